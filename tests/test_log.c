#include "config.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "footfall.h"

/*
 * Standard error is one end of a datagram socket pair, so that each
 * write(2) the log makes is one message here, its bounds kept: the
 * tests see when lines went out and how they were grouped.  Criterion
 * runs each test in a process of its own.
 */
static int	 log_peer = -1;

static void
log_setup(void)
{
	int	 sp[2];

	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, sp), 0);
	cr_assert_eq(fcntl(sp[0], F_SETFL, O_NONBLOCK), 0);
	cr_assert_neq(dup2(sp[1], STDERR_FILENO), -1);
	close(sp[1]);
	log_peer = sp[0];
	log_init(LOGL_INFO, 0);
}

/* The next write, NUL-terminated in buf; 0 if none is waiting. */
static size_t
next_write(char *buf, size_t bufsz)
{
	ssize_t	 n;

	n = recv(log_peer, buf, bufsz - 1, 0);
	if (n == -1) {
		cr_assert(errno == EAGAIN || errno == EWOULDBLOCK);
		n = 0;
	}
	buf[n] = '\0';
	return (size_t)n;
}

/* The next write holds want's lines ("one\ntwo\n"), each at level info. */
static void
expect_write(const char *want)
{
	char		 buf[2 * PIPE_BUF], got[2 * PIPE_BUF];
	const char	*p, *end;
	size_t		 len = 0;

	for (p = want; *p != '\0'; p = end + 1) {
		end = strchr(p, '\n');
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "footfall[%ld]: info: %.*s\n", (long)getpid(),
		    (int)(end - p), p);
	}
	cr_assert_eq(next_write(got, sizeof(got)), len, "got '%s'", got);
	cr_assert_str_eq(got, buf);
}

static void
expect_none(void)
{
	char	 got[2 * PIPE_BUF];

	cr_assert_eq(next_write(got, sizeof(got)), 0, "written: '%s'", got);
}

Test(log, alone_written_at_once, .init = log_setup)
{
	log_info("one");
	expect_write("one\n");
	log_info("two");
	expect_write("two\n");
}

Test(log, held_while_in_flight, .init = log_setup)
{
	log_hold();
	log_hold();
	log_info("one");
	log_info("two");
	expect_none();
	log_release();
	expect_none();		/* one request still in flight */
	log_info("three");
	expect_none();
	log_release();
	expect_write("one\ntwo\nthree\n");	/* one write, in order */
	log_info("four");
	expect_write("four\n");
}

Test(log, warning_written_with_the_lines_before_it, .init = log_setup)
{
	char	 got[2 * PIPE_BUF], want[256];

	log_hold();
	log_info("one");
	log_warn("two");
	snprintf(want, sizeof(want), "footfall[%ld]: info: one\n"
	    "footfall[%ld]: warn: two\n", (long)getpid(), (long)getpid());
	next_write(got, sizeof(got));
	cr_assert_str_eq(got, want);
	log_release();
	expect_none();
}

Test(log, full_buffer_written_in_whole_lines, .init = log_setup)
{
	char	 got[2 * PIPE_BUF], msg[201], *p, *end;
	size_t	 n, writes = 0, lines = 0, len;
	int	 i;

	memset(msg, 'x', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	log_hold();
	for (i = 0; i < 60; i++)
		log_info("%02d %s", i, msg);
	/* About 13 KiB held: written PIPE_BUF at most at a time. */
	while ((len = next_write(got, sizeof(got))) > 0) {
		writes++;
		cr_assert_leq(len, PIPE_BUF);
		cr_assert_gt(len, PIPE_BUF - 240, "a write of %zu", len);
		cr_assert_eq(got[len - 1], '\n');
		for (p = got; *p != '\0'; p = end + 1) {
			end = strchr(p, '\n');
			cr_assert(sscanf(strstr(p, "info: ") + 6, "%zu", &n) == 1);
			cr_assert_eq(n, lines, "line %zu came as %zu", lines, n);
			lines++;
		}
	}
	cr_assert_geq(writes, 3);
	log_release();
	while (next_write(got, sizeof(got)) > 0)
		for (p = got; *p != '\0'; p = strchr(p, '\n') + 1)
			lines++;
	cr_assert_eq(lines, 60);
}

Test(log, held_one_second_at_most, .init = log_setup)
{
	log_hold();
	log_info("old");
	expect_none();
	usleep(1100 * 1000);
	log_info("new");
	expect_write("old\nnew\n");
	log_release();
	expect_none();
}

Test(log, flushed_at_exit, .init = log_setup)
{
	log_hold();
	log_info("last");
	expect_none();
	log_close();
	expect_write("last\n");
}
