/*
 * Logging.  One line per message, written with a single write(2) so that
 * lines from concurrent request threads never interleave.  Callers never
 * pass raw client addresses, keys or request bytes here (see STYLE.md).
 */
#include "config.h"

#include <stdarg.h>
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

static enum log_level	 log_max = LOGL_INFO;
static int		 log_syslog;
static long		 log_pid;	/* getpid(2) is a system call each time */

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
	if (log_syslog)
		closelog();
	log_syslog = 0;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	char	 line[1024];
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
	(void)write(STDERR_FILENO, line, off + n + 1);
}
