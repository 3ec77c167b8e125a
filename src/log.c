/*
 * Logging.  One line per message; lines reach standard error whole, in
 * the order they were logged, so that concurrent request threads never
 * interleave.  Callers never pass raw client addresses, keys or request
 * bytes here (see STYLE.md).
 *
 * A busy server logs a line per request: a write(2) each was one of the
 * 13 system calls footfall made a request.  While requests are in flight
 * (log_hold), info and debug lines wait in one buffer and go out
 * together: when no request is left in flight, when the buffer is full,
 * when its first line is LOG_HOLD_SECONDS old, with any warning or
 * error, and at exit.  A lone request's line is written as its request
 * ends, as before.  The buffer is PIPE_BUF bytes, the most that a pipe
 * (journald's, Apache's) takes in one piece: other processes' lines on
 * the same pipe cannot land inside it.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "footfall.h"

/* Also the values of log_level in footfall.conf(5), hence the NULL. */
const char *const log_names[LOGL__MAX + 1] = {
	"error",	/* LOGL_ERROR */
	"warn",		/* LOGL_WARN */
	"info",		/* LOGL_INFO */
	"debug",	/* LOGL_DEBUG */
	NULL
};

static const int log_prio[LOGL__MAX] = {
	LOG_ERR,	/* LOGL_ERROR */
	LOG_WARNING,	/* LOGL_WARN */
	LOG_INFO,	/* LOGL_INFO */
	LOG_DEBUG,	/* LOGL_DEBUG */
};

#define LOG_HOLD_SECONDS	1.0

static enum log_level	 log_max = LOGL_INFO;
static int		 log_syslog;
static long		 log_pid;	/* getpid(2) is a system call each time */

static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int	 log_holds;	/* requests in flight */
static char		 log_held[PIPE_BUF];
static size_t		 log_held_len;
static double		 log_held_since; /* clock_now() of its first line */

/* With log_lock held: write out the lines held. */
static void
log_write_held(void)
{
	if (log_held_len > 0)
		(void)write(STDERR_FILENO, log_held, log_held_len);
	log_held_len = 0;
}

/* A request is in flight: its lines, and others', may wait. */
void
log_hold(void)
{
	atomic_fetch_add(&log_holds, 1);
}

/* Write the lines held, whatever is in flight (at exit). */
void
log_flush(void)
{
	pthread_mutex_lock(&log_lock);
	log_write_held();
	pthread_mutex_unlock(&log_lock);
}

/* A request has ended: if it was the last in flight, write out. */
void
log_release(void)
{
	if (atomic_fetch_sub(&log_holds, 1) == 1)
		log_flush();
}

void
log_init(enum log_level level, int use_syslog)
{
	log_max = level;
	log_syslog = use_syslog;
	log_pid = (long)getpid();
	if (log_syslog)
		openlog("footfall", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_close(void)
{
	log_flush();
	if (log_syslog)
		closelog();
	log_syslog = 0;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char	 line[1024];
	double	 now;
	size_t	 len;
	int	 n, off;
	va_list	 ap;

	if (level > log_max)
		return;
	if (log_syslog) {
		va_start(ap, fmt);
		vsyslog(log_prio[level], fmt, ap);
		va_end(ap);
		return;
	}
	off = snprintf(line, sizeof(line), "footfall[%ld]: %s: ",
	    log_pid != 0 ? log_pid : (long)getpid(), log_names[level]);
	va_start(ap, fmt);
	n = vsnprintf(line + off, sizeof(line) - off - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	/* A truncated line still ends in a newline. */
	if ((size_t)(off + n) > sizeof(line) - 2)
		n = (int)(sizeof(line) - 2 - off);
	line[off + n] = '\n';
	len = (size_t)(off + n + 1);

	now = clock_now();
	pthread_mutex_lock(&log_lock);
	if (log_held_len + len > sizeof(log_held))
		log_write_held();
	if (log_held_len == 0)
		log_held_since = now;
	memcpy(log_held + log_held_len, line, len);
	log_held_len += len;
	if (level <= LOGL_WARN || atomic_load(&log_holds) == 0 ||
	    now - log_held_since >= LOG_HOLD_SECONDS)
		log_write_held();
	pthread_mutex_unlock(&log_lock);
}
