/*
 * A PostgreSQL proxy that loses a connection at the worst moment, for
 * tests/commit-lost.test.
 *
 * usage: pgproxy port unix-socket
 *
 * It listens on 127.0.0.1:port and relays each connection to the
 * server's Unix socket.  It reads the client's messages (the protocol's
 * type byte and length) and forwards them whole.  A signal arms it for
 * the next Sync that follows a Flush, which is how footfall asks for the
 * commit of a batch whose row it has read:
 *  SIGUSR1  forward that Sync, then swallow the server's answer (sent
 *           once the transaction committed) and close both sides;
 *  SIGUSR2  swallow the Sync and close both sides: the server sees the
 *           connection end inside the transaction and rolls it back;
 *  SIGHUP   as SIGUSR1, and then exit, so that nobody can connect and
 *           ask what became of the transaction.
 * Each arming is used once.  It prints one line per cut on stdout.
 * The client must not ask for SSL or GSS encryption (sslmode=disable,
 * gssencmode=disable): the proxy reads the startup packet as plain.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXCONN	64
#define BUFSZ	(1024 * 1024)

enum arm { ARM_NONE, ARM_COMMIT, ARM_ROLLBACK, ARM_COMMIT_EXIT };

struct conn {
	int		 cfd, sfd;		/* client, server; -1: free */
	unsigned char	*buf;			/* client bytes not yet whole */
	size_t		 len;
	int		 started;		/* startup packet passed */
	int		 flushed;		/* a Flush since the last Sync */
	enum arm	 cutting;		/* swallow the server's answer */
};

static volatile sig_atomic_t	 armed = ARM_NONE;
static struct conn		 conns[MAXCONN];
static const char		*sockpath;

static void
on_signal(int sig)
{
	armed = sig == SIGUSR1 ? ARM_COMMIT : sig == SIGUSR2 ? ARM_ROLLBACK :
	    ARM_COMMIT_EXIT;
}

static void
conn_close(struct conn *c)
{
	close(c->cfd);
	close(c->sfd);
	free(c->buf);
	memset(c, 0, sizeof(*c));
	c->cfd = c->sfd = -1;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static unsigned long
get32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	    (unsigned long)p[2] << 8 | p[3];
}

/*
 * Forward the client's whole messages.  Returns 0, or -1 when the pair
 * is to be closed (an error, or a cut).
 */
static int
client_forward(struct conn *c)
{
	size_t	 off = 0, mlen;
	int	 rc = 0;

	for (;;) {
		if (!c->started) {
			/* Startup packet: length (itself included), body. */
			if (c->len - off < 4 || c->len - off < get32(c->buf + off))
				break;
			mlen = get32(c->buf + off);
			c->started = 1;
		} else {
			if (c->len - off < 5 || c->len - off < 1 +
			    get32(c->buf + off + 1))
				break;
			mlen = 1 + get32(c->buf + off + 1);
			if (c->buf[off] == 'H')
				c->flushed = 1;
			if (c->buf[off] == 'S' && c->flushed) {
				c->flushed = 0;
				if (armed == ARM_ROLLBACK) {
					armed = ARM_NONE;
					printf("cut before the commit\n");
					fflush(stdout);
					rc = -1;
					break;
				}
				if (armed != ARM_NONE) {
					c->cutting = armed;
					armed = ARM_NONE;
				}
			}
		}
		if (write_all(c->sfd, c->buf + off, mlen) == -1) {
			rc = -1;
			break;
		}
		off += mlen;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return rc;
}

static int
listen_on(int port)
{
	struct sockaddr_in	 sin;
	int			 fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 64) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
accept_one(int lfd)
{
	struct sockaddr_un	 sun;
	struct conn		*c = NULL;
	int			 cfd, sfd, i;

	if ((cfd = accept(lfd, NULL, NULL)) == -1)
		return;
	for (i = 0; i < MAXCONN && c == NULL; i++)
		if (conns[i].cfd == -1)
			c = &conns[i];
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	if (c == NULL || (sfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1) {
		close(cfd);
		return;
	}
	if (connect(sfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    (c->buf = malloc(BUFSZ)) == NULL) {
		close(sfd);
		close(cfd);
		return;
	}
	c->cfd = cfd;
	c->sfd = sfd;
}

int
main(int argc, char *argv[])
{
	struct pollfd		 pfd[1 + 2 * MAXCONN];
	struct sigaction	 sa;
	unsigned char		 tmp[65536];
	struct conn		*c;
	ssize_t			 n;
	int			 lfd, i, np;

	if (argc != 3) {
		fprintf(stderr, "usage: pgproxy port unix-socket\n");
		return 2;
	}
	sockpath = argv[2];
	if ((lfd = listen_on(atoi(argv[1]))) == -1) {
		perror("pgproxy: listen");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < MAXCONN; i++)
		conns[i].cfd = conns[i].sfd = -1;

	for (;;) {
		pfd[0].fd = lfd;
		pfd[0].events = POLLIN;
		for (i = 0; i < MAXCONN; i++) {
			pfd[1 + 2 * i].fd = conns[i].cfd;
			pfd[1 + 2 * i].events = POLLIN;
			pfd[2 + 2 * i].fd = conns[i].sfd;
			pfd[2 + 2 * i].events = POLLIN;
		}
		np = poll(pfd, 1 + 2 * MAXCONN, -1);
		if (np == -1 && errno == EINTR)
			continue;
		if (np == -1) {
			perror("pgproxy: poll");
			return 1;
		}
		if (pfd[0].revents & POLLIN)
			accept_one(lfd);
		for (i = 0; i < MAXCONN; i++) {
			c = &conns[i];
			if (c->cfd == -1)
				continue;
			if (pfd[1 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR)) {
				n = read(c->cfd, c->buf + c->len, BUFSZ - c->len);
				if (n <= 0 || (c->len += (size_t)n,
				    client_forward(c) == -1)) {
					conn_close(c);
					continue;
				}
			}
			if (pfd[2 + 2 * i].revents & (POLLIN | POLLHUP | POLLERR)) {
				n = read(c->sfd, tmp, sizeof(tmp));
				if (n > 0 && c->cutting != ARM_NONE) {
					printf("cut after the commit\n");
					fflush(stdout);
					if (c->cutting == ARM_COMMIT_EXIT)
						return 0;
					conn_close(c);
					continue;
				}
				if (n <= 0 || write_all(c->cfd, tmp,
				    (size_t)n) == -1)
					conn_close(c);
			}
		}
	}
}
