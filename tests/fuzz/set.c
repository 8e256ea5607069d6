/* SPDX-License-Identifier: GPL-2.0-only */
/* set.c: fuzz target: `wg set' arguments, with a key file whose contents come from the input. */
/*
 * Input: NUL-separated segments. The first is the key file's contents, the rest are the words
 * after `wg set wg0'. The target works in a private empty directory holding only that file,
 * named `k'; a word with a `/' in it is replaced by `k', so no path ever leaves the directory.
 * (The directory becomes the working directory: give libFuzzer absolute paths.)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "argv.h"
#include "fuzz.h"

#define KEY_FILE "k"
#define MAX_WORDS 512

static char dir[] = "/tmp/wg-fuzz-set.XXXXXX";

static void remove_dir(void)
{
	unlink(KEY_FILE);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir) || chdir(dir))
		fuzz_fail("cannot make a private directory");
	atexit(remove_dir);
	return 0;
}

static void write_key_file(const char *text, size_t len)
{
	int fd = open(KEY_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd))
		fuzz_fail("cannot write the key file");
}

static void on_warning(struct diag *diag, const char *message)
{
	(void)diag;
	fuzz_check_message("warning", message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_strndup(data, size), *end = text + size, *p;
	const char *words[MAX_WORDS];
	struct diag diag = { .warn = on_warning };
	struct wg_device *dev;
	int n = 0;

	p = text + strlen(text);
	write_key_file(text, (size_t)(p - text));
	while (p < end && n < MAX_WORDS) {
		char *word = p + 1;

		p = word + strlen(word);
		words[n++] = strchr(word, '/') ? KEY_FILE : word;
	}
	dev = set_args_parse("wg0", n, words, &diag);
	if (!dev) {
		if (!*diag.error)
			fuzz_fail("set_args_parse failed without a message");
	} else {
		free(fuzz_print_views(dev));
		fuzz_build_requests(dev);
		device_free(dev);
	}
	free(text);
	return 0;
}
