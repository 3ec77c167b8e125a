/*
 * Group commit.  Request threads never talk to the database: they queue
 * what they need (a visit to record, or the numbers to read) and wait.
 * A few database threads, each with its own connection, take everything
 * that is waiting whenever they are free and answer it with one
 * statement in one transaction.  So an idle server commits a lone visit
 * at once, and a busy one shares each WAL flush among all the visits
 * that arrived while the previous commit was in flight.
 *
 * A request is answered only after its transaction committed: no visit
 * is acknowledged that a crash could lose.  If the transaction fails,
 * every visit in it gets the error and none is counted.
 *
 * Queue entries live on the waiting request thread's stack; the queue is
 * bounded by the number of request threads.
 *
 * Commit delay.  Each commit costs the database a fixed amount of CPU,
 * its WAL flush above all, whatever the number of visits in it.  Once
 * visits arrive faster than one per commit_delay, a database thread that
 * finds visits waiting lets more join for commit_delay microseconds
 * before it takes them: fewer, larger commits leave the CPU to the rest
 * of the work.  Below that rate (an idle or quiet server) nothing would
 * join, and a visit is committed at once.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "footfall.h"

enum batch_kind {
	BATCH_VISIT,
	BATCH_READ,
	BATCH__MAX
};

struct batch_req {
	enum batch_kind		 kind;
	const unsigned char	*hash;		/* BATCH_VISIT */
	struct counts		*out;
	enum db_status		 st;
	/*
	 * Posted when st and *out are set: each waiter wakes alone, not
	 * every waiter on every batch as with a shared condition variable.
	 */
	sem_t			 done;
	struct batch_req	*next;
};

struct batch_writer {
	struct batch	*b;
	struct db	*db;
	pthread_t	 thread;
	int		 started;
	/* Scratch for one batch, allocated once. */
	unsigned char	(*hashes)[HASH_LEN];
	struct counts	*counts;
	struct batch_req **reqs;
};

struct batch {
	pthread_mutex_t		 lock;
	pthread_cond_t		 work;		/* a request was queued */
	pthread_cond_t		 wake;		/* cut a delay short */
	struct batch_req	*head;
	struct batch_req	**tail;
	int			 stopping;
	unsigned int		 window;
	double			 delay;		/* seconds; 0 for none */
	double			 rate;		/* visits a second, smoothed */
	double			 last_take;	/* when the queue was last taken */
	size_t			 queued;	/* requests in the queue */
	size_t			 nwriters;
	struct batch_writer	*w;
};

/* Seconds over which the arrival rate is smoothed. */
#define BATCH_RATE_TAU	0.1

static double
batch_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Answer the requests reqs[0..n-1] (taken off the queue) with as few
 * statements as possible: one call of record_visits for all the visits,
 * whose last row also answers the reads; a read_counts for reads alone.
 */
static void
batch_run(struct batch_writer *w, struct batch_req **reqs, size_t n)
{
	struct counts	 last;
	enum db_status	 st;
	size_t		 i, nv = 0;

	for (i = 0; i < n; i++)
		if (reqs[i]->kind == BATCH_VISIT)
			memcpy(w->hashes[nv++], reqs[i]->hash, HASH_LEN);
	if (nv > 0) {
		st = db_record_visits(w->db,
		    (const unsigned char (*)[HASH_LEN])w->hashes, nv,
		    w->b->window, w->counts);
		memset(w->hashes, 0, nv * HASH_LEN);
		metrics_batch(nv);
		if (st == DB_OK)
			last = w->counts[nv - 1];
	} else
		st = db_read_counts(w->db, &last);
	last.is_new = -1;

	for (i = 0, nv = 0; i < n; i++) {
		reqs[i]->st = st;
		if (st != DB_OK)
			continue;
		if (reqs[i]->kind == BATCH_VISIT)
			*reqs[i]->out = w->counts[nv++];
		else
			*reqs[i]->out = last;
	}
}

/*
 * The smoothed arrival rate after n requests arrived in gap seconds,
 * given the rate before: a moving average over time, not over batches,
 * whose weight for the new interval, gap / (gap + BATCH_RATE_TAU), grows
 * with its length.  So a rate follows a change of load within about
 * BATCH_RATE_TAU seconds however often commits happen, and a long quiet
 * spell forgets a busy past at once.  Pure.
 */
double
batch_rate(double rate, size_t n, double gap)
{
	double	 w;

	if (!(gap > 0))
		return rate;
	w = gap / (gap + BATCH_RATE_TAU);
	return (1 - w) * rate + w * ((double)n / gap);
}

/*
 * Whether a commit should wait delay seconds for more visits, at the
 * smoothed arrival rate: only if at least one more is expected to join.
 * Pure.
 */
int
batch_should_delay(double rate, double delay)
{
	return delay > 0 && rate * delay >= 1;
}

/*
 * With b locked and requests queued: if batch_should_delay says so at
 * the rate including those queued since the last take, let more join for
 * b->delay seconds.
 */
static void
batch_delay(struct batch *b)
{
	struct timespec	 until;
	double		 rate;
	long		 ns;

	rate = batch_rate(b->rate, b->queued, batch_now() - b->last_take);
	if (!batch_should_delay(rate, b->delay))
		return;
	clock_gettime(CLOCK_MONOTONIC, &until);
	ns = until.tv_nsec + (long)(b->delay * 1e9);
	until.tv_sec += ns / 1000000000L;
	until.tv_nsec = ns % 1000000000L;
	while (!b->stopping &&
	    pthread_cond_timedwait(&b->wake, &b->lock, &until) != ETIMEDOUT)
		continue;	/* only batch_close signals wake */
}

/*
 * With b locked: note that n requests are taken now, all that arrived
 * since the last take, in the smoothed arrival rate.
 */
static void
batch_note_take(struct batch *b, size_t n)
{
	double	 now, gap;

	now = batch_now();
	gap = now - b->last_take;
	b->rate = batch_rate(b->rate, n, gap);
	b->last_take = now;
	b->queued -= n;
}

static void *
batch_writer_main(void *arg)
{
	struct batch_writer	*w = arg;
	struct batch		*b = w->b;
	struct batch_req	*r;
	size_t			 n, i;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (b->head == NULL && !b->stopping)
			pthread_cond_wait(&b->work, &b->lock);
		if (b->head == NULL)
			break;		/* stopping, and nothing left */
		batch_delay(b);
		/* Everything that is waiting, oldest first. */
		for (n = 0; b->head != NULL && n < DB_BATCH_MAX; n++) {
			w->reqs[n] = b->head;
			b->head = b->head->next;
		}
		if (b->head == NULL)
			b->tail = &b->head;
		batch_note_take(b, n);
		pthread_mutex_unlock(&b->lock);

		batch_run(w, w->reqs, n);
		/* After its post, a request's memory is its thread's again. */
		for (i = 0; i < n; i++) {
			r = w->reqs[i];
			sem_post(&r->done);
		}
		pthread_mutex_lock(&b->lock);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

/*
 * Queue r and wait until a database thread has answered it.  Returns
 * its status; *waited (if not NULL) gets the seconds it took.
 */
static enum db_status
batch_submit(struct batch *b, struct batch_req *r, double *waited)
{
	double	 t0;

	t0 = batch_now();
	sem_init(&r->done, 0, 0);
	r->next = NULL;
	pthread_mutex_lock(&b->lock);
	*b->tail = r;
	b->tail = &r->next;
	b->queued++;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->lock);
	while (sem_wait(&r->done) == -1)
		continue;	/* EINTR */
	sem_destroy(&r->done);
	if (waited != NULL)
		*waited = batch_now() - t0;
	return r->st;
}

/* Record one visit of hash; *out gets the numbers after it. */
enum db_status
batch_visit(struct batch *b, const unsigned char hash[HASH_LEN],
    struct counts *out, double *waited)
{
	struct batch_req	 r;

	memset(&r, 0, sizeof(r));
	r.kind = BATCH_VISIT;
	r.hash = hash;
	r.out = out;
	return batch_submit(b, &r, waited);
}

/* Read the numbers without counting (and so check the database). */
enum db_status
batch_read(struct batch *b, struct counts *out, double *waited)
{
	struct batch_req	 r;

	memset(&r, 0, sizeof(r));
	r.kind = BATCH_READ;
	r.out = out;
	return batch_submit(b, &r, waited);
}

static void
batch_free(struct batch *b)
{
	size_t	 i;

	for (i = 0; i < b->nwriters; i++) {
		db_close(b->w[i].db);
		free(b->w[i].hashes);
		free(b->w[i].counts);
		free(b->w[i].reqs);
	}
	free(b->w);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->wake);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/*
 * Start the database threads: conf->db_connections of them, each with
 * its own connection (opened on first use).  Returns NULL if out of
 * resources (logged).  batch_close stops and frees it.
 */
struct batch *
batch_open(const struct conf *conf)
{
	struct batch		*b;
	struct batch_writer	*w;
	pthread_condattr_t	 ca;
	size_t			 i;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		goto nomem;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->wake, &ca);
	pthread_condattr_destroy(&ca);
	b->tail = &b->head;
	b->window = conf->window;
	b->delay = conf->commit_delay_us / 1e6;
	b->last_take = batch_now();
	if ((b->w = calloc(conf->db_connections, sizeof(*b->w))) == NULL) {
		batch_free(b);
		goto nomem;
	}
	b->nwriters = conf->db_connections;
	for (i = 0; i < b->nwriters; i++) {
		w = &b->w[i];
		w->b = b;
		w->db = db_open(conf->database, conf->db_timeout_ms,
		    conf->connect_timeout);
		w->hashes = calloc(DB_BATCH_MAX, HASH_LEN);
		w->counts = calloc(DB_BATCH_MAX, sizeof(*w->counts));
		w->reqs = calloc(DB_BATCH_MAX, sizeof(*w->reqs));
		if (w->db == NULL || w->hashes == NULL || w->counts == NULL ||
		    w->reqs == NULL) {
			batch_close(b);
			goto nomem;
		}
	}
	for (i = 0; i < b->nwriters; i++) {
		w = &b->w[i];
		if ((errno = pthread_create(&w->thread, NULL,
		    batch_writer_main, w)) != 0) {
			log_error("pthread_create: %s", strerror(errno));
			batch_close(b);
			return NULL;
		}
		w->started = 1;
	}
	return b;
nomem:
	log_error("out of memory starting the database threads");
	return NULL;
}

/*
 * Answer what is still queued, stop the database threads and free b.
 * No request thread may submit any more.
 */
void
batch_close(struct batch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	pthread_mutex_lock(&b->lock);
	b->stopping = 1;
	pthread_cond_broadcast(&b->work);
	pthread_cond_broadcast(&b->wake);
	pthread_mutex_unlock(&b->lock);
	for (i = 0; i < b->nwriters; i++)
		if (b->w[i].started)
			pthread_join(b->w[i].thread, NULL);
	batch_free(b);
}
