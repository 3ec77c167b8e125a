/*
 * The FastCGI server: the only file that includes libfcgi's header.
 *
 * footfall runs in each of the ways a FastCGI responder is started:
 *  - on a socket it opens itself (listen = /path or host:port);
 *  - on the listening socket inherited as fd 0 (spawn-fcgi, Apache
 *    mod_fcgid, a systemd socket unit; the FastCGI spec, section 2.2);
 *  - as a plain CGI program when fd 0 is not a socket (RFC 3875).
 *
 * A fixed pool of threads serves requests; none talks to the database
 * itself, they queue their visits for batch.c's database threads.  Threads take turns at the listening socket under a lock,
 * as in libfcgi's threaded.c, but we wait with poll(2) on the socket and
 * on a wake-up pipe and call accept(2) ourselves: libfcgi's own accept
 * can only be interrupted by a signal, and a signal that lands while
 * libfcgi reads the request's parameters makes it drop the request.
 * With our own accept, SIGTERM closes the pipe, idle threads leave, and
 * a request in flight finishes.
 *
 * libfcgi trusts the lengths in the records it reads (fcgirec.c), so
 * libfcgi reads a request only once srv_peek has seen its records, up
 * to the end of its parameters, and fcgirec_check has accepted them.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fastcgi.h>
#include <fcgiapp.h>

#include "footfall.h"

#define SRV_BACKLOG	1024
/*
 * Seconds a connection has to send a request's records up to the end of
 * its parameters, once we wait for them: nginx writes them all at once
 * as it connects, and a slow or silent peer must not hold a thread.
 * (libfcgi alone would wait for ever.)
 */
#define SRV_PEEK_SECONDS 5
/*
 * Seconds a request's body has to arrive once a handler asks for it.
 * nginx and Apache read the whole body from the client before they
 * pass it on (fastcgi_request_buffering, mod_fcgid), so it comes at
 * the speed of a local socket; a body that stops coming must not hold
 * a thread for ever.
 */
#define SRV_BODY_SECONDS 30

extern char **environ;

struct srv {
	const struct conf	*conf;
	const unsigned char	*key;		/* the secret (key_file) */
	struct batch		*batch;
	struct cache		*stats;		/* /stats answers, or NULL */
	int			 listen_fd;
	int			 wake[2];	/* closing wake[1] stops all */
	pthread_mutex_t		 accept_lock;
	atomic_int		 stopping;	/* request threads read it */
};

/*
 * A request's body (FCGI_STDIN, section 5.3 of the FastCGI spec).
 * libfcgi would act on any record it meets while it reads one,
 * management records included (fcgirec.c says what that costs), so
 * footfall reads a body's records itself, checking each header first:
 * libfcgi is handed the records up to the end of the parameters only
 * (srv_params).  A request whose whole stream srv_peek saw, with an
 * empty body, is left to libfcgi alone as before: a GET, nearly all.
 */
enum srv_in_state {
	SRV_IN_UNREAD,		/* the body is still on the connection */
	SRV_IN_ENDED,		/* read to its empty record */
	SRV_IN_BROKEN,		/* not all read: close the connection */
};

struct srv_in {
	int			 fd;	/* the web server's connection */
	unsigned int		 rid;	/* the request's id */
	int			 own;	/* the body is ours to read */
	enum srv_in_state	 state;
};

struct worker {
	struct srv	*srv;
	pthread_t	 thread;
	int		 started;
	unsigned char	*peek;		/* FCGIREC_MAX bytes, for srv_peek */
};

/*
 * Answer one request whose parameters are envp; write the response with
 * put(arg, bytes, len).  Returns 0, or -1 if the response could not be
 * rendered (out of memory); a write error is the web server's to see.
 */
static int
srv_answer(struct ctx *ctx, char *const *envp,
    int (*put)(void *, const char *, size_t), void *arg)
{
	struct reply	 r;
	struct request	 req;
	char		*out;
	size_t		 len;
	double		 t0;
	int		 rc = -1;

	t0 = clock_now();
	log_hold();
	handle_request(ctx, envp, &r, &req);
	out = resp_render(&r, &len);
	resp_clear(&r);
	if (out == NULL)
		log_error("out of memory rendering a response");
	else {
		(void)put(arg, out, len);
		free(out);
		handle_account(&req, &r, clock_now() - t0, ctx->db_seconds);
		rc = 0;
	}
	log_release();
	return rc;
}

/*
 * Receive exactly n bytes from fd into p by deadline.  Returns 0, or -1
 * with *why if the peer closed, failed or was too slow.
 */
static int
srv_recv(int fd, void *p, size_t n, double deadline, const char **why)
{
	struct pollfd	 pfd;
	ssize_t		 got;
	double		 left;

	while (n > 0) {
		got = recv(fd, p, n, MSG_DONTWAIT);
		if (got > 0) {
			p = (char *)p + got;
			n -= (size_t)got;
			continue;
		}
		if (got == 0) {
			*why = "the web server closed the connection mid-body";
			return -1;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			*why = "the connection failed mid-body";
			return -1;
		}
		if ((left = deadline - clock_now()) <= 0) {
			*why = "the body did not all come in time";
			return -1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) == -1 &&
		    errno != EINTR) {
			*why = "poll failed mid-body";
			return -1;
		}
	}
	return 0;
}

/*
 * A body_fn for a FastCGI request: read request in->rid's FCGI_STDIN
 * records to the empty one that ends them, which must hold exactly len
 * bytes (CONTENT_LENGTH, RFC 3875 section 4.1.2).  A body shorter or
 * longer, a record that is not the request's FCGI_STDIN, or a peer that
 * closes or stalls leaves nothing in *buf and the connection to be
 * closed.
 */
static int
srv_body_fcgi(void *arg, size_t len, char **buf)
{
	struct srv_in	*in = arg;
	unsigned char	 h[FCGIREC_HEADER], pad[255];
	const char	*why = NULL;
	char		*b = NULL;
	size_t		 got = 0, clen, plen;
	double		 deadline;

	*buf = NULL;
	if (!in->own || in->state != SRV_IN_UNREAD) {
		/* srv_peek saw the whole stream, and it was empty. */
		if (in->own || len > 0) {
			why = "the body is shorter than its CONTENT_LENGTH";
			goto fail;
		}
		return (*buf = strdup("")) == NULL ? -1 : 0;
	}
	if ((b = malloc(len + 1)) == NULL) {
		why = "out of memory";
		goto fail;
	}
	deadline = clock_now() + SRV_BODY_SECONDS;
	for (;;) {
		if (srv_recv(in->fd, h, sizeof(h), deadline, &why) == -1 ||
		    fcgirec_stdin(h, in->rid, &clen, &plen, &why) == -1)
			goto fail;
		if (clen > len - got) {
			why = "the body is longer than its CONTENT_LENGTH";
			goto fail;
		}
		if (srv_recv(in->fd, b + got, clen, deadline, &why) == -1 ||
		    srv_recv(in->fd, pad, plen, deadline, &why) == -1)
			goto fail;
		got += clen;
		if (clen == 0)
			break;	/* the stream's end (section 3.3) */
	}
	if (got != len) {
		why = "the body is shorter than its CONTENT_LENGTH";
		goto fail;
	}
	b[len] = '\0';
	in->state = SRV_IN_ENDED;
	*buf = b;
	return 0;
fail:
	log_warn("a request body refused: %s", why);
	in->state = SRV_IN_BROKEN;
	free(b);
	return -1;
}

/* A body_fn for plain CGI: CONTENT_LENGTH bytes of stdin (RFC 3875). */
static int
srv_body_cgi(void *arg, size_t len, char **buf)
{
	char	*b;

	*buf = NULL;
	if ((b = malloc(len + 1)) == NULL)
		return -1;
	if (fread(b, 1, len, arg) != len) {
		log_warn("a request body refused: the body is shorter than "
		    "its CONTENT_LENGTH");
		free(b);
		return -1;
	}
	b[len] = '\0';
	*buf = b;
	return 0;
}

/*
 * Move a request's records up to the end of its parameters, buf[0..at)
 * as srv_peek checked them, from fd to a new socket pair, and return
 * the pair's end for libfcgi to read them from (the caller closes it),
 * or -1.  libfcgi reads 8 KiB at a time: from fd it could take the
 * body's first records along, and read them its own way.  at is at
 * most FCGIREC_MAX, which the pair's buffer holds at once.
 */
static int
srv_params(int fd, unsigned char *buf, size_t at)
{
	int	 sp[2], size = 4 * FCGIREC_MAX;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) == -1) {
		log_error("socketpair: %s", strerror(errno));
		return -1;
	}
	(void)setsockopt(sp[1], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	/* Peeked, so queued: MSG_WAITALL returns them all at once. */
	if (recv(fd, buf, at, MSG_WAITALL) != (ssize_t)at ||
	    send(sp[1], buf, at, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)at) {
		log_error("cannot pass a request's parameters on: %s",
		    strerror(errno));
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	close(sp[1]);
	return sp[0];
}

static int
srv_put_fcgi(void *arg, const char *p, size_t len)
{
	return FCGX_PutStr(p, (int)len, arg) == (int)len ? 0 : -1;
}

static int
srv_put_stdio(void *arg, const char *p, size_t len)
{
	return fwrite(p, 1, len, arg) == len && fflush(arg) == 0 ? 0 : -1;
}

/*
 * Wait for a connection on the listening socket or for shutdown.
 * Returns the connected socket, or -1 when shutting down.
 */
static int
srv_accept(struct srv *s)
{
	struct pollfd	 pfd[2];
	int		 fd = -1;

	pthread_mutex_lock(&s->accept_lock);
	while (!atomic_load(&s->stopping)) {
		pfd[0].fd = s->listen_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = s->wake[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) == -1) {
			if (errno != EINTR)
				log_error("poll: %s", strerror(errno));
			continue;
		}
		if (pfd[1].revents != 0)
			break;
		if ((pfd[0].revents & POLLIN) == 0)
			continue;
		/*
		 * The listening socket is non-blocking: another process
		 * sharing it (spawn-fcgi -F) may have taken the connection.
		 */
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			log_error("accept: %s", strerror(errno));
			/* Let requests in flight release descriptors. */
			poll(NULL, 0, 100);
		}
	}
	pthread_mutex_unlock(&s->accept_lock);
	return fd;
}

/*
 * Let each connection accepted on the listening socket fd queue
 * FCGIREC_MAX bytes, so that srv_peek can see a request's records to the
 * end of its parameters at once.  A TCP socket advertises about half of
 * its receive buffer, 128 KiB by default on Linux, and Linux doubles
 * what is set here for its own bookkeeping (capped at
 * net.core.rmem_max).  Set on the listener, it is copied to every
 * connection it accepts: once at start rather than two system calls a
 * request.  A Unix socket queues what its sender's buffer holds instead
 * (208 KiB by default), and nginx writes a request in one call: it is
 * left alone.
 */
static void
srv_rcvbuf(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	int			 cur = 0, want = 2 * FCGIREC_MAX;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
		return;
	len = sizeof(cur);
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &cur, &len) == 0 &&
	    cur < 2 * want &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)) == -1)
		log_warn("SO_RCVBUF: %s", strerror(errno));
}

/*
 * Wait until the records that open fd's next request have arrived, up to
 * and including the empty FCGI_PARAMS record, and check them with
 * fcgirec_check before libfcgi reads any of them.  MSG_PEEK leaves them
 * queued, so libfcgi then reads the very bytes that were checked: no one
 * else reads fd, and libfcgi parses nothing past the parameters (a body
 * footfall reads itself, srv_body_fcgi).  buf holds FCGIREC_MAX bytes.  Returns 0 if
 * libfcgi may read the request, with *whole and *at set by fcgirec_check
 * (the whole request is queued; where its parameters end) and
 * *bodiless if it is whole with an empty body, or -1 if the connection is to be closed: the
 * peer closed it, sent records
 * fcgirec_check refuses (logged), sent no complete request within
 * SRV_PEEK_SECONDS (logged), or we are shutting down and it has sent
 * nothing yet.
 */
static int
srv_peek(struct srv *s, int fd, unsigned char *buf, int *whole, size_t *at,
    int *bodiless)
{
	struct pollfd	 pfd[2];
	const char	*why = NULL;
	double		 deadline, left;
	ssize_t		 n;
	int		 ms, pause = 1, hup = 0;

	deadline = clock_now() + SRV_PEEK_SECONDS;
	for (;;) {
		n = recv(fd, buf, FCGIREC_MAX, MSG_PEEK | MSG_DONTWAIT);
		if (n == 0)
			return -1;	/* closed: normal on a kept one */
		if (n == -1 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			log_debug("recv: %s", strerror(errno));
			return -1;
		}
		if (n > 0) {
			switch (fcgirec_check(buf, (size_t)n, at, whole,
			    &why)) {
			case FCGIREC_VALID:
				*bodiless = *whole &&
				    fcgirec_bodiless(buf, (size_t)n, *at);
				return 0;
			case FCGIREC_INVALID:
				goto refuse;
			default:
				break;
			}
			if (hup) {
				why = "the peer stopped sending mid-request";
				goto refuse;
			}
		}
		if ((left = deadline - clock_now()) <= 0) {
			why = "no complete request in time";
			goto refuse;
		}
		pfd[0].fd = fd;
		pfd[0].revents = 0;
		pfd[1].fd = s->wake[0];
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		if (n <= 0) {
			/* Nothing queued: wait for it, or for shutdown. */
			pfd[0].events = POLLIN;
			ms = (int)(left * 1000) + 1;
			if (poll(pfd, 2, ms) == -1 && errno != EINTR) {
				log_error("poll: %s", strerror(errno));
				return -1;
			}
			if (pfd[1].revents != 0)
				return -1;
			continue;
		}
		/*
		 * Part of a request is queued, which keeps POLLIN set: wait
		 * only for the peer to stop sending, and look again after a
		 * pause that doubles up to 64 ms (under 100 looks in all).
		 */
		pfd[0].events = POLLRDHUP;
		ms = (int)(left * 1000) + 1;
		if (ms > pause)
			ms = pause;
		if (pause < 64)
			pause *= 2;
		if (poll(pfd, 1, ms) == -1 && errno != EINTR) {
			log_error("poll: %s", strerror(errno));
			return -1;
		}
		/* What it sent before it stopped is queued: look once more. */
		hup = pfd[0].revents != 0;
	}
refuse:
	log_warn("closing a FastCGI connection before libfcgi reads it: %s",
	    why);
	metrics_fcgi_refused();
	return -1;
}

/*
 * Serve the requests on one connection until the web server closes it
 * (or keeps it only while we are not shutting down).  buf is the
 * worker's srv_peek buffer.
 */
static void
srv_serve(struct srv *s, struct ctx *ctx, int fd, unsigned char *buf)
{
	FCGX_Request	 req;
	struct pollfd	 pfd[2];
	struct srv_in	 in;
	size_t		 at;
	int		 whole = 0, bodiless = 0, pfd_lib = -1;

	/*
	 * Hand our connected socket to libfcgi: with ipcFd set and
	 * keepConnection on, FCGX_Accept_r reads the next request from
	 * it instead of accepting (listen_sock is -1, so it cannot
	 * accept).  FCGX_Finish_r then closes it unless the web server
	 * asked to keep it (fastcgi_keep_conn).
	 */
	FCGX_InitRequest(&req, -1, 0);
	req.ipcFd = fd;
	req.keepConnection = 1;
	ctx->body = srv_body_fcgi;
	ctx->body_arg = &in;
	for (;;) {
		/* Every request, a kept connection's next ones too. */
		if (srv_peek(s, fd, buf, &whole, &at, &bodiless) == -1) {
			/*
			 * Closed here, not by libfcgi, whose close reads
			 * what the peer still sends, for up to 2 s a read.
			 */
			close(fd);
			req.ipcFd = -1;
			break;
		}
		memset(&in, 0, sizeof(in));
		in.fd = fd;
		in.own = !bodiless;
		/* A body to come: libfcgi reads the parameters only. */
		if (in.own && (req.ipcFd = pfd_lib = srv_params(fd, buf,
		    at)) == -1) {
			close(fd);
			break;
		}
		if (FCGX_Accept_r(&req) < 0) {
			/* libfcgi closed the pair's end, not fd. */
			if (in.own)
				close(fd);
			break;		/* closed, or not FastCGI */
		}
		if (in.own) {
			/* Answer on fd; the pair has nothing more. */
			req.ipcFd = fd;
			close(pfd_lib);
			/* No one reads the body through libfcgi. */
			req.in->isClosed = 1;
		}
		in.rid = (unsigned int)req.requestId;
		(void)srv_answer(ctx, req.envp, srv_put_fcgi, req.out);
		/*
		 * A body left unread, or read in part: what is still on
		 * the connection is not a request, so close it (libfcgi's
		 * close reads it away raw).
		 */
		if (in.own && in.state != SRV_IN_ENDED)
			req.keepConnection = 0;
		/*
		 * On a connection the web server does not keep, libfcgi's
		 * FCGX_Finish_r writes the end of the response and then
		 * closes through OS_Close(fd, 1): shutdown(SHUT_WR), then
		 * read until the peer closes, 2 s a select(2), so that data
		 * still arriving cannot make the close reset the connection
		 * (a TCP RST can make the peer drop the answer, and a Unix
		 * socket closed with unread bytes hands its peer
		 * ECONNRESET).  That holds this thread, two more system
		 * calls and a wake-up, until nginx has read the answer and
		 * closed its side.  When srv_peek saw the whole request
		 * queued, nothing more is coming: read away what libfcgi
		 * left queued (it reads 8 KiB at a time and stops at the
		 * parameters' end) and let FCGX_Finish_r close at once.
		 * FCGX_Detach makes FCGX_Free call OS_IpcClose(fd, 0), a
		 * plain close(2) after the response was written; a kept
		 * connection is not closed, so it is left alone.
		 */
		if (whole && !req.keepConnection) {
			while (recv(req.ipcFd, buf, FCGIREC_MAX,
			    MSG_DONTWAIT) > 0)
				continue;
			(void)FCGX_Detach(&req);
		}
		FCGX_Finish_r(&req);
		if (req.ipcFd < 0)
			break;
		/* A kept connection: wait for its next request. */
		pfd[0].fd = req.ipcFd;
		pfd[0].events = POLLIN;
		pfd[1].fd = s->wake[0];
		pfd[1].events = POLLIN;
		while (poll(pfd, 2, -1) == -1 && errno == EINTR)
			continue;
		if (pfd[1].revents != 0)
			break;
		req.keepConnection = 1;
	}
	FCGX_Free(&req, 1);
}

static void *
srv_worker(void *arg)
{
	struct worker	*w = arg;
	struct ctx	 ctx;
	int		 fd;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = w->srv->conf;
	ctx.batch = w->srv->batch;
	ctx.stats = w->srv->stats;
	while ((fd = srv_accept(w->srv)) != -1)
		srv_serve(w->srv, &ctx, fd, w->peek);
	return NULL;
}

/*
 * Open a Unix socket at path with the configured mode.  A socket file
 * that nobody listens on is a leftover of a crash and is replaced; one
 * that answers belongs to a running footfall and is left alone.
 */
static int
srv_listen_unix(const char *path, mode_t mode)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd, probe;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_error("%s: socket path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);

	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_error("socket: %s", strerror(errno));
		return -1;
	}
	if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		close(probe);
		log_error("%s: in use by a running process", path);
		return -1;
	}
	close(probe);
	if (unlink(path) == -1 && errno != ENOENT) {
		log_error("%s: %s", path, strerror(errno));
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		log_error("socket: %s", strerror(errno));
		return -1;
	}
	/* The umask closes the window in which the socket is wider open. */
	old = umask(~mode & 0777);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		umask(old);
		log_error("%s: bind: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (chmod(path, mode) == -1)
		log_warn("%s: chmod: %s", path, strerror(errno));
	return fd;
}

/* Open a TCP socket at "host:port", "[v6]:port" or ":port". */
static int
srv_listen_tcp(const char *spec)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 host[256];
	const char	*port, *h;
	size_t		 hl;
	int		 fd = -1, one = 1, e;

	if ((port = strrchr(spec, ':')) == NULL || port[1] == '\0') {
		log_error("%s: expected host:port", spec);
		return -1;
	}
	h = spec;
	hl = (size_t)(port - spec);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl >= sizeof(host)) {
		log_error("%s: host too long", spec);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	port++;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(hl == 0 ? NULL : host, port, &hints,
	    &res)) != 0) {
		log_error("%s: %s", spec, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	if (fd == -1)
		log_error("%s: bind: %s", spec, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

/* Is fd a listening stream socket? */
static int
srv_is_listener(int fd)
{
	int		 v = 0;
	socklen_t	 len = sizeof(v);

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 &&
	    v != 0;
}

/* Plain CGI: one request from the environment, answered on stdout. */
static int
srv_run_cgi(const struct conf *conf, const unsigned char *key)
{
	struct ctx	 ctx;
	int		 rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.conf = conf;
	ctx.body = srv_body_cgi;
	ctx.body_arg = stdin;
	/*
	 * One visit and gone: removing expired visitors is left to a
	 * timer running footfall --purge (footfall(8)).
	 */
	if ((ctx.batch = batch_open(conf, key, 0)) == NULL)
		return -1;
	rc = srv_answer(&ctx, environ, srv_put_stdio, stdout);
	batch_close(ctx.batch);
	return rc;
}

/*
 * Run until SIGTERM or SIGINT.  Returns 0 after a clean shutdown, or -1
 * if the server could not start (the reason is logged).
 */
/*
 * Every request thread runs: say how footfall serves, then wait for
 * SIGTERM or SIGINT (SIGHUP reloads nothing).  Returns 0.
 */
static int
srv_wait(const struct conf *conf, const sigset_t *set, int own)
{
	int	 sig;

	log_info("serving with %u threads and %u database connections on %s",
	    conf->threads, conf->db_connections,
	    own ? conf->listen : "the inherited socket");
	/* Which list decides what a bot is (not per CGI request). */
	if (conf->bots == NULL)
		log_info("bots_file none: bots are counted as visitors");
	else
		log_info("bots_file %s: %zu pattern%s", conf->bots_file,
		    agent_bots_count(conf->bots),
		    agent_bots_count(conf->bots) == 1 ? "" : "s");
	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		log_info("SIGHUP: nothing to reload; restart footfall to "
		    "apply a new configuration");
	}
	log_info("signal %d: finishing requests in flight", sig);
	return 0;
}

int
srv_run(const struct conf *conf, const unsigned char *key)
{
	struct srv	 s;
	struct worker	*w = NULL;
	sigset_t	 set;
	unsigned int	 i;
	int		 own = 0, rc = -1, fl;

	memset(&s, 0, sizeof(s));
	s.conf = conf;
	s.key = key;
	s.wake[0] = s.wake[1] = -1;

	metrics_init();
	/*
	 * A listening socket on fd 0 was set up on purpose (spawn-fcgi,
	 * mod_fcgid, systemd), so it wins over listen: one configuration
	 * file then serves both ways of starting.
	 */
	if (srv_is_listener(STDIN_FILENO)) {
		s.listen_fd = STDIN_FILENO;
		if (conf->listen != NULL)
			log_info("serving the socket on descriptor 0; "
			    "listen = %s is not used", conf->listen);
	} else if (conf->listen != NULL) {
		s.listen_fd = conf->listen[0] == '/' ?
		    srv_listen_unix(conf->listen, conf->socket_mode) :
		    srv_listen_tcp(conf->listen);
		if (s.listen_fd == -1)
			return -1;
		if (listen(s.listen_fd, SRV_BACKLOG) == -1) {
			log_error("listen: %s", strerror(errno));
			close(s.listen_fd);
			return -1;
		}
		own = 1;
	} else
		return srv_run_cgi(conf, key);

	if (FCGX_Init() != 0) {
		log_error("FCGX_Init failed");
		goto out;
	}
	srv_rcvbuf(s.listen_fd);
	if ((fl = fcntl(s.listen_fd, F_GETFL)) == -1 ||
	    fcntl(s.listen_fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_error("fcntl: %s", strerror(errno));
		goto out;
	}
	if (pipe2(s.wake, O_CLOEXEC) == -1) {
		log_error("pipe: %s", strerror(errno));
		goto out;
	}
	pthread_mutex_init(&s.accept_lock, NULL);

	/* Signals go to this thread only, through sigwait below. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if ((s.batch = batch_open(conf, s.key, 1)) == NULL)
		goto out;
	if (conf->stats_cache > 0 &&
	    (s.stats = cache_open(conf->stats_cache * 1000LL)) == NULL) {
		log_error("out of memory");
		goto out;
	}
	if ((w = calloc(conf->threads, sizeof(*w))) == NULL) {
		log_error("out of memory");
		goto out;
	}
	for (i = 0; i < conf->threads; i++) {
		w[i].srv = &s;
		if ((w[i].peek = malloc(FCGIREC_MAX)) == NULL) {
			log_error("out of memory");
			break;
		}
		if ((errno = pthread_create(&w[i].thread, NULL, srv_worker,
		    &w[i])) != 0) {
			log_error("pthread_create: %s", strerror(errno));
			break;
		}
		w[i].started = 1;
	}
	if (i == conf->threads)
		rc = srv_wait(conf, &set, own);
	atomic_store(&s.stopping, 1);
	close(s.wake[1]);
	s.wake[1] = -1;
	for (i = 0; i < conf->threads; i++) {
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
		free(w[i].peek);
	}
	pthread_mutex_destroy(&s.accept_lock);
out:
	/* After the request threads: their visits are answered first. */
	batch_close(s.batch);
	cache_close(s.stats);
	free(w);
	if (s.wake[0] != -1)
		close(s.wake[0]);
	if (s.wake[1] != -1)
		close(s.wake[1]);
	if (own) {
		close(s.listen_fd);
		if (conf->listen[0] == '/')
			unlink(conf->listen);
	}
	return rc;
}
