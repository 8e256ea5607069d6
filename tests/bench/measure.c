/* SPDX-License-Identifier: GPL-2.0-only */
/* measure.c (bench): runs a command and prints its wall time, CPU time and peak RSS. */
/*
 *   measure [-o FILE] [-i FILE] [-n] [-c] [-t S] [-N NETNS] CMD [ARG...]
 *     -o FILE   append the result line to FILE instead of writing it to stderr
 *     -i FILE   the command's stdin (default: inherited)
 *     -n        the command's stdout goes to /dev/null
 *     -c        also count the processes the command starts (needs root; see below)
 *     -t S      kill the command (its whole process group) after S seconds: status=124
 *     -N NETNS  run the command in the network namespace NETNS (a name from `ip netns')
 *
 * The result is one line: "wall=S user=S sys=S maxrss_kb=N status=N", seconds with
 * microseconds. The figures are the command's own (wait4's rusage of the one child), so a
 * shell in front of it does not count, and -N spares the command going through `ip netns exec',
 * whose own memory would count towards the peak. GNU time would do, but is not
 * installed everywhere this runs (the test VM has no room for it). The exit status is the
 * command's, or 127 when it could not be started.
 *
 * With -c the line ends with "procs=N": the processes (not threads) that the command and its
 * descendants fork while the command runs; the command itself is not one of them. They are
 * seen through the kernel's process events connector (NETLINK_CONNECTOR, CN_IDX_PROC), which
 * reports every fork and exit on the system: measure follows the command's pid and the pids
 * forked from it until the command exits. A descendant that outlives the command (a daemon)
 * counts, its own later forks do not. The connector needs CONFIG_PROC_EVENTS, root and the
 * initial namespaces for measure itself (the command may enter NETNS). "procs=-1" means the
 * count is unknown: no events arrived, or the kernel dropped some (the reason goes to stderr).
 * strace -f would follow a daemon the command leaves behind and never return.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double elapsed(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

static void usage(void)
{
	fprintf(stderr, "Usage: measure [-o FILE] [-i FILE] [-n] [-c] [-t S] [-N NETNS] CMD [ARG...]\n");
	exit(2);
}

/* The process counter (-c): the connector socket and the set of followed pids, a bit each. */
struct counter {
	int fd;
	pid_t self, root;
	unsigned char *followed;
	size_t max_pid;
	long procs;
	bool saw_root_fork, root_exited, lost;
	const char *failure;
};

static bool followed(const struct counter *c, pid_t pid)
{
	return pid > 0 && (size_t)pid < c->max_pid && (c->followed[pid / 8] & (1u << (pid % 8)));
}

static void follow(struct counter *c, pid_t pid, bool on)
{
	if (pid <= 0 || (size_t)pid >= c->max_pid)
		return;
	if (on)
		c->followed[pid / 8] |= (unsigned char)(1u << (pid % 8));
	else
		c->followed[pid / 8] &= (unsigned char)~(1u << (pid % 8));
}

/* Tells the connector to start (or stop) sending process events to c->fd. */
static int counter_listen(struct counter *c, enum proc_cn_mcast_op op)
{
	char buf[NLMSG_SPACE(sizeof(struct cn_msg) + sizeof(op))] = { 0 };
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	struct cn_msg cn = { .id = { .idx = CN_IDX_PROC, .val = CN_VAL_PROC }, .len = sizeof(op) };

	nh->nlmsg_len = NLMSG_LENGTH(sizeof(cn) + sizeof(op));
	nh->nlmsg_type = NLMSG_DONE;
	nh->nlmsg_pid = (unsigned)c->self;
	memcpy(NLMSG_DATA(nh), &cn, sizeof(cn));
	memcpy((char *)NLMSG_DATA(nh) + sizeof(cn), &op, sizeof(op));
	return send(c->fd, buf, nh->nlmsg_len, 0) == (ssize_t)nh->nlmsg_len ? 0 : -1;
}

/* Opens the connector socket before the command starts, so no fork of it goes unseen. */
static void counter_open(struct counter *c)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC };
	int size = 16 << 20;
	unsigned long max = 0;
	FILE *f;

	*c = (struct counter){ .fd = -1, .self = getpid(), .procs = 0 };
	f = fopen("/proc/sys/kernel/pid_max", "re");
	if (!f || fscanf(f, "%lu", &max) != 1 || max < 2 || max > (1ul << 30))
		max = 1ul << 22;
	if (f)
		fclose(f);
	c->max_pid = max + 1;
	c->followed = calloc(c->max_pid / 8 + 1, 1);
	c->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	if (!c->followed || c->fd < 0) {
		c->failure = "no connector socket";
		return;
	}
	sa.nl_pid = (unsigned)c->self;
	/* a deep queue: the command's forks come faster than measure may get to read them */
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    counter_listen(c, PROC_CN_MCAST_LISTEN) < 0) {
		c->failure = "cannot listen to process events";
		close(c->fd);
		c->fd = -1;
	}
}

static void counter_event(struct counter *c, const struct proc_event *ev)
{
	if (c->root_exited)
		return;
	if (ev->what == PROC_EVENT_FORK) {
		const struct fork_proc_event *f = &ev->event_data.fork;

		if (f->child_pid != f->child_tgid)
			return; /* a thread */
		if (f->child_pid == c->root && f->parent_tgid == c->self) {
			c->saw_root_fork = true;
		} else if (followed(c, f->parent_tgid)) {
			follow(c, f->child_pid, true);
			++c->procs;
		}
	} else if (ev->what == PROC_EVENT_EXIT) {
		const struct exit_proc_event *e = &ev->event_data.exit;

		if (e->process_pid != e->process_tgid)
			return;
		if (e->process_pid == c->root)
			c->root_exited = true;
		else
			follow(c, e->process_pid, false); /* its pid may come back as another process */
	}
}

/* Reads the events waiting on the socket; with wait_ms, waits that long for the first. */
static void counter_drain(struct counter *c, int wait_ms)
{
	/* aligned for the headers; the events inside are copied out, they sit 4 bytes off */
	static long buf[8192];
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	if (c->fd < 0)
		return;
	while (!c->root_exited) {
		ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == ENOBUFS) {
			c->lost = true;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_ms > 0 &&
		    poll(&pfd, 1, wait_ms) > 0)
			continue;
		if (n <= 0)
			return;
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n);
		     nh = NLMSG_NEXT(nh, n)) {
			struct cn_msg cn;
			struct proc_event ev;

			if (nh->nlmsg_type != NLMSG_DONE ||
			    nh->nlmsg_len < NLMSG_LENGTH(sizeof(cn) + sizeof(ev)))
				continue;
			memcpy(&cn, NLMSG_DATA(nh), sizeof(cn));
			if (cn.id.idx != CN_IDX_PROC || cn.id.val != CN_VAL_PROC)
				continue;
			memcpy(&ev, (char *)NLMSG_DATA(nh) + sizeof(cn), sizeof(ev));
			counter_event(c, &ev);
		}
	}
}

/* The count for the result line, or -1 with the reason on stderr. */
static long counter_result(struct counter *c)
{
	if (c->fd >= 0) {
		counter_listen(c, PROC_CN_MCAST_IGNORE);
		close(c->fd);
	}
	free(c->followed);
	if (!c->failure && !c->saw_root_fork)
		c->failure = "no process events arrived (CONFIG_PROC_EVENTS? initial namespaces?)";
	if (!c->failure && c->lost)
		c->failure = "the kernel dropped process events";
	if (c->failure) {
		fprintf(stderr, "measure: cannot count processes: %s\n", c->failure);
		return -1;
	}
	return c->procs;
}

/* In the child: enter the named network namespace, or die with the reason. */
static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "measure: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fd);
}

/* In the child: point fd at path, or die with the reason. */
static void redirect(int fd, const char *path, int flags)
{
	int file = open(path, flags | O_CLOEXEC);

	if (file < 0 || dup2(file, fd) < 0) {
		fprintf(stderr, "measure: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
}

/*
 * Reads process events while the command runs, until it can be reaped (not reaping it). The
 * events wait in the socket's deep queue and are read every 10 ms: woken for each one, measure
 * would slow a command that starts processes by the thousand by a few per cent on two cores.
 */
static void wait_counting(struct counter *c, pid_t pid)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	c->root = pid;
	follow(c, pid, true);
	if (pidfd < 0) {
		c->failure = "pidfd_open failed";
		return;
	}
	while (!(pfd.revents & POLLIN)) {
		if (poll(&pfd, 1, 10) < 0 && errno != EINTR)
			break;
		counter_drain(c, 0);
	}
	close(pidfd);
}

/* -t: the command runs in a process group of its own, killed whole when time is up. */
static volatile sig_atomic_t timed_out;
static pid_t timed_pid;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	kill(-timed_pid, SIGKILL);
}

int main(int argc, char *argv[])
{
	const char *out_path = NULL, *in_path = NULL, *netns = NULL;
	bool null_stdout = false, count = false;
	struct counter counter = { .fd = -1 };
	struct timespec start, end;
	struct rusage ru;
	int opt, status, code;
	unsigned limit = 0;
	FILE *out = stderr;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+o:i:nct:N:")) != -1) {
		switch (opt) {
		case 'o':
			out_path = optarg;
			break;
		case 'i':
			in_path = optarg;
			break;
		case 'n':
			null_stdout = true;
			break;
		case 'c':
			count = true;
			break;
		case 't':
			limit = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 'N':
			netns = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (out_path) {
		out = fopen(out_path, "ae");
		if (!out) {
			fprintf(stderr, "measure: %s: %s\n", out_path, strerror(errno));
			return 127;
		}
	}
	if (count)
		counter_open(&counter);
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		return 127;
	}
	if (!pid) {
		if (limit)
			setpgid(0, 0);
		if (netns)
			enter_netns(netns);
		if (in_path)
			redirect(STDIN_FILENO, in_path, O_RDONLY);
		if (null_stdout)
			redirect(STDOUT_FILENO, "/dev/null", O_WRONLY);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "measure: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	if (limit) {
		struct sigaction sa = { .sa_handler = on_alarm };

		/* set here too: the group must exist before the alarm could kill it */
		setpgid(pid, pid);
		timed_pid = pid;
		sigaction(SIGALRM, &sa, NULL);
		alarm(limit);
	}
	if (count && counter.fd >= 0)
		wait_counting(&counter, pid);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	alarm(0);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (timed_out)
		code = 124;
	fprintf(out, "wall=%.6f user=%.6f sys=%.6f maxrss_kb=%ld status=%d",
		elapsed(&start, &end), seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss,
		code);
	if (count) {
		/* the command's exit event may come a moment after wait4 saw it gone */
		counter_drain(&counter, 1000);
		fprintf(out, " procs=%ld", counter_result(&counter));
	}
	fputc('\n', out);
	if (out != stderr)
		fclose(out);
	return code;
}
