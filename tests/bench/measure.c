/* measure.c (bench): runs a command and prints its wall time, CPU time and peak RSS. */
/*
 *   measure [-o FILE] [-i FILE] [-n] [-N NETNS] CMD [ARG...]
 *     -o FILE   append the result line to FILE instead of writing it to stderr
 *     -i FILE   the command's stdin (default: inherited)
 *     -n        the command's stdout goes to /dev/null
 *     -N NETNS  run the command in the network namespace NETNS (a name from `ip netns')
 *
 * The result is one line: "wall=S user=S sys=S maxrss_kb=N status=N", seconds with
 * microseconds. The figures are the command's own (wait4's rusage of the one child), so a
 * shell in front of it does not count, and -N spares the command going through `ip netns exec',
 * whose own memory would count towards the peak. GNU time would do, but is not
 * installed everywhere this runs (the test VM has no room for it). The exit status is the
 * command's, or 127 when it could not be started.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
	fprintf(stderr, "Usage: measure [-o FILE] [-i FILE] [-n] [-N NETNS] CMD [ARG...]\n");
	exit(2);
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

int main(int argc, char *argv[])
{
	const char *out_path = NULL, *in_path = NULL, *netns = NULL;
	bool null_stdout = false;
	struct timespec start, end;
	struct rusage ru;
	int opt, status, code;
	FILE *out = stderr;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+o:i:nN:")) != -1) {
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
	clock_gettime(CLOCK_MONOTONIC, &start);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		return 127;
	}
	if (!pid) {
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
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
			return 127;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(out, "wall=%.6f user=%.6f sys=%.6f maxrss_kb=%ld status=%d\n",
		elapsed(&start, &end), seconds(ru.ru_utime), seconds(ru.ru_stime), ru.ru_maxrss,
		code);
	if (out != stderr)
		fclose(out);
	return code;
}
