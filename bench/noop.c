/*
 * bench/noop: a FastCGI responder that does nothing, for bench/run.  It
 * answers every request with a fixed reply of the same shape and size as
 * footfall's answer to GET /count, so that the benchmark can tell what
 * nginx and libfcgi cost from what footfall itself costs.
 *
 * Threaded as libfcgi's own examples/threaded.c: N threads take turns at
 * FCGX_Accept_r under one lock, each with its own FCGX_Request, and write
 * with FCGX_PutStr (never the stdio macros).
 */
#include "config.h"

#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

#define NOOP_BACKLOG	1024
#define NOOP_THREADS	4
#define NOOP_MAX_THREADS	1024

/*
 * footfall's headers for a counted visit without an Origin (see
 * src/response.c): the JSON body ends in a newline, Content-Length
 * counts it.  The numbers are the size footfall's reach in a benchmark
 * run (tens of thousands of visits).
 */
#define NOOP_BODY \
	"{\"count\":123456,\"total_visits\":123456," \
	"\"unique_visitors\":98765,\"is_new_visitor\":true}\n"

static char		 reply[512];
static int		 reply_len;
static int		 listen_sock;
static pthread_mutex_t	 accept_lock = PTHREAD_MUTEX_INITIALIZER;

static void
usage(void)
{
	fprintf(stderr, "usage: noop -s socket [-t threads]\n");
	exit(2);
}

/* One thread: accept under the lock, answer, finish; until an error. */
static void *
noop_worker(void *arg)
{
	FCGX_Request	 req;
	int		 rc;

	if (FCGX_InitRequest(&req, listen_sock, 0) != 0)
		errx(1, "FCGX_InitRequest failed");
	for (;;) {
		pthread_mutex_lock(&accept_lock);
		rc = FCGX_Accept_r(&req);
		pthread_mutex_unlock(&accept_lock);
		if (rc < 0)
			break;
		(void)FCGX_PutStr(reply, reply_len, req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t	*tid;
	sigset_t	 set;
	const char	*path = NULL;
	char		*end;
	long		 n = NOOP_THREADS, i;
	int		 ch, sig;

	while ((ch = getopt(argc, argv, "s:t:")) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 't':
			n = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || n < 1 ||
			    n > NOOP_MAX_THREADS)
				errx(2, "-t: a number from 1 to %d",
				    NOOP_MAX_THREADS);
			break;
		default:
			usage();
		}
	}
	if (path == NULL || optind != argc)
		usage();

	reply_len = snprintf(reply, sizeof(reply),
	    "Status: 200 OK\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Vary: Origin\r\n"
	    "\r\n"
	    "%s", strlen(NOOP_BODY), NOOP_BODY);
	if (reply_len < 0 || (size_t)reply_len >= sizeof(reply))
		errx(1, "reply too long");

	/* A web server that goes away must not end the process. */
	signal(SIGPIPE, SIG_IGN);
	/*
	 * libfcgi catches SIGTERM to finish its accept loop, but a thread
	 * blocked in accept(2) never looks: take the signals here, in the
	 * main thread, and exit (no request holds anything to save).
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if ((errno = pthread_sigmask(SIG_BLOCK, &set, NULL)) != 0)
		err(1, "pthread_sigmask");
	if (FCGX_Init() != 0)
		errx(1, "FCGX_Init failed");
	if (unlink(path) == -1 && access(path, F_OK) == 0)
		err(1, "%s", path);
	if ((listen_sock = FCGX_OpenSocket(path, NOOP_BACKLOG)) < 0)
		errx(1, "%s: cannot listen", path);
	/* Whoever runs the web server may connect. */
	if (chmod(path, 0666) == -1)
		err(1, "%s", path);

	if ((tid = calloc((size_t)n, sizeof(*tid))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++)
		if ((errno = pthread_create(&tid[i], NULL, noop_worker,
		    NULL)) != 0)
			err(1, "pthread_create");
	if ((errno = sigwait(&set, &sig)) != 0)
		err(1, "sigwait");
	free(tid);
	return 0;
}
