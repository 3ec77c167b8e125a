/*
 * tests/fcgi_raw: write bytes to a Unix socket as they are, then copy
 * whatever comes back to stdout until the peer closes or 5 s pass.
 * For tests/hostile.test, which sends malformed FastCGI records straight
 * to footfall's socket (no web server would send them).
 * usage: fcgi_raw [-de] [-h seconds] socket [request ...]
 *  With no request files, stdin's bytes are sent, and then the writing
 *  side is shut down.  Each request file is sent on the same connection
 *  (BEGIN_REQUEST with FCGI_KEEP_CONN): after each, the answer is read
 *  up to its FCGI_END_REQUEST record before the next is sent, as a web
 *  server does on a kept connection.
 *  -d  write only the content of the FCGI_STDOUT records, not the bytes.
 *  -e  exit 3 if the connection ended in an error (ECONNRESET: the
 *      peer closed it with bytes of ours unread) instead of its end.
 *  -h  after writing stdin, keep the connection open for up to seconds
 *      or until the peer closes it, as a slow client would.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <err.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FCGI_END_REQUEST	3
#define FCGI_STDOUT		6

static int	 decode;
static int	 failed;	/* a read failed: not the stream's end */

/* Read up to n bytes, waiting 5 s at most for each; short at the end. */
static size_t
readn(int fd, unsigned char *buf, size_t n)
{
	struct pollfd	 pfd;
	size_t		 got = 0;
	ssize_t		 r;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (got < n && poll(&pfd, 1, 5000) > 0) {
		if ((r = read(fd, buf + got, n - got)) == -1)
			failed = 1;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

/*
 * Copy the answer's records to stdout (all of each, or with -d their
 * FCGI_STDOUT content) until an FCGI_END_REQUEST if stop_at_end, else
 * until the peer closes or falls silent.  Returns 1 if an END_REQUEST
 * came, 0 if not.
 */
static int
answer(int fd, int stop_at_end)
{
	unsigned char	 h[8], body[65535 + 255];
	size_t		 n, len;

	for (;;) {
		if ((n = readn(fd, h, sizeof(h))) < sizeof(h)) {
			if (!decode)
				fwrite(h, 1, n, stdout);
			return 0;
		}
		len = ((size_t)h[4] << 8 | h[5]) + h[6];
		n = readn(fd, body, len);
		if (!decode) {
			fwrite(h, 1, sizeof(h), stdout);
			fwrite(body, 1, n, stdout);
		} else if (h[1] == FCGI_STDOUT)
			fwrite(body, 1, n < len - h[6] ? n : len - h[6],
			    stdout);
		if (n < len)
			return 0;
		if (h[1] == FCGI_END_REQUEST && stop_at_end)
			return 1;
	}
}

/*
 * Write all of fd in's bytes to the socket, up to 64 KiB a write: a
 * request in one, as a web server writes it.  0, or -1 if cut short.
 */
static int
send_all(int in, int fd)
{
	static char	 buf[65536];
	ssize_t		 n;

	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			return -1;	/* the peer may drop us mid-way: fine */
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	char			*end;
	long			 l;
	int			 fd, in, c, i, hold = 0, strict = 0;

	while ((c = getopt(argc, argv, "deh:")) != -1)
		switch (c) {
		case 'd':
			decode = 1;
			break;
		case 'e':
			strict = 1;
			break;
		case 'h':
			l = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || l < 0 ||
			    l > 3600)
				errx(2, "-h %s: not 0 to 3600 seconds", optarg);
			hold = (int)l;
			break;
		default:
			goto usage;
		}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		goto usage;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(argv[0]) >= sizeof(sun.sun_path))
		errx(2, "%s: path too long", argv[0]);
	strcpy(sun.sun_path, argv[0]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(1, "%s", argv[0]);

	if (argc == 1) {
		(void)send_all(STDIN_FILENO, fd);
		if (hold > 0) {
			/* Neither more bytes nor the end of them. */
			pfd.fd = fd;
			pfd.events = POLLIN;
			(void)poll(&pfd, 1, hold * 1000);
		}
		shutdown(fd, SHUT_WR);
		(void)answer(fd, 0);
	}
	for (i = 1; i < argc; i++) {
		if ((in = open(argv[i], O_RDONLY)) == -1)
			err(1, "%s", argv[i]);
		if (send_all(in, fd) == -1 || !answer(fd, 1))
			errx(1, "%s: no FCGI_END_REQUEST came back", argv[i]);
		close(in);
	}
	close(fd);
	return strict && failed ? 3 : 0;
usage:
	fprintf(stderr, "usage: fcgi_raw [-de] [-h seconds] socket "
	    "[request ...]\n");
	return 2;
}
