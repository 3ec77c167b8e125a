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
 *
 * Keys and removal (README "Privacy").  Request threads queue a
 * visitor's identity (ident.c), not a hash: the database threads hash
 * it, so that the key, which rotates, is read and changed by one thread
 * only, and every visit of a batch is hashed with the same keys.  Each
 * visit gets two hashes, under the current key and under the previous
 * one, so that a visitor seen shortly before a rotation is still the
 * same visitor after it.  A database thread asks for the live keys
 * before a batch when it last asked more than BATCH_KEY_TTL ago.  The
 * first database thread also removes, about once a second and whether
 * or not visits arrive, the visitors whose window has passed and the
 * keys no window needs any more, PURGE_BATCH rows at a time.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "footfall.h"

/* Seconds between two asks for the live keys, and between purges. */
#define BATCH_KEY_TTL	1.0
#define BATCH_PURGE_GAP	1.0
/* After a purge that found a full batch to remove, the next one. */
#define BATCH_PURGE_MORE 0.1

enum batch_kind {
	BATCH_VISIT,
	BATCH_READ,
	BATCH_CALL,
	BATCH__MAX
};

struct batch_req {
	enum batch_kind		 kind;
	const struct visit	*visit;		/* BATCH_VISIT */
	const char		*counter;	/* BATCH_READ */
	const char		*page;		/* BATCH_READ, or NULL */
	batch_fn		 fn;		/* BATCH_CALL */
	int			 stale;		/* may use read_database */
	void			*arg;
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
	struct db	*rdb;		/* read_database's, or NULL */
	pthread_t	 thread;
	int		 started;
	/* The derived keys (hash.c): current and, if alive, previous. */
	unsigned char	 key[2][HASH_KEY_LEN];
	struct hash_keyed *keyed[2];	/* each ready to hash with, or NULL */
	long long	 key_start[2];	/* their periods, 0: none */
	double		 key_expiry[2];	/* when the database deletes them */
	double		 keys_at;	/* when last asked; 0: never */
	double		 purge_at;	/* first thread: next purge */
	/* Scratch for one batch, allocated once. */
	unsigned char	(*hashes)[VISITOR_LEN];
	unsigned char	(*prev)[VISITOR_LEN];
	struct counts	*counts;
	struct batch_req **reqs;
	struct batch_req **vreqs;	/* the visits among reqs */
	struct db_visit	*dv;
	const char	**names;	/* the counters read */
	const char	**paths;	/* and their pages */
};

struct batch {
	pthread_mutex_t		 lock;
	pthread_cond_t		 work;		/* a request was queued */
	pthread_cond_t		 wake;		/* cut a delay short */
	struct batch_req	*head;
	struct batch_req	**tail;
	int			 stopping;
	unsigned int		 window;
	unsigned int		 key_period;
	unsigned int		 retention;	/* of the visit log */
	struct db_count_opts	 opts;
	const unsigned char	*secret;	/* HASH_KEY_LEN bytes */
	int			 purge;		/* the first thread purges */
	double			 delay;		/* seconds; 0 for none */
	double			 rate;		/* visits a second, smoothed */
	double			 last_take;	/* when the queue was last taken */
	size_t			 queued;	/* requests in the queue */
	size_t			 nwriters;
	struct batch_writer	*w;
};

/* Seconds over which the arrival rate is smoothed. */
#define BATCH_RATE_TAU	0.1

/*
 * Ask the database for the live keys if the last ask is older than
 * BATCH_KEY_TTL, and derive this thread's keys from them and the secret.
 * The candidate becomes the current key if no footfall made one yet.
 */
static enum db_status
batch_keys(struct batch_writer *w)
{
	struct db_key	 keys[2];
	struct hash_keyed *keyed;
	unsigned char	 cand[HASH_KEY_LEN], k[HASH_KEY_LEN];
	double		 now, left;
	size_t		 n = 0, i;
	int		 changed;
	enum db_status	 st = DB_FAILED;

	now = clock_now();
	if (w->keys_at > 0 && now - w->keys_at < BATCH_KEY_TTL)
		return DB_OK;
	if (hash_random(cand, sizeof(cand)) == -1) {
		log_error("no randomness from the CSPRNG for a visitor key");
		goto out;
	}
	if ((st = db_visitor_keys(w->db, w->b->key_period, w->b->window, cand,
	    keys, &n, &left)) != DB_OK)
		goto out;
	/*
	 * Derived again on every ask (two HMACs a second): a key is never
	 * taken for unchanged because its period is, whatever was done to
	 * the table.
	 */
	for (i = 0; i < 2; i++) {
		if (i >= n) {
			hash_wipe(w->key[i], HASH_KEY_LEN);
			hash_keyed_free(w->keyed[i]);
			w->keyed[i] = NULL;
			w->key_start[i] = 0;
			continue;
		}
		if (hash_hmac(w->b->secret, HASH_KEY_LEN, keys[i].key,
		    HASH_KEY_LEN, k) == -1) {
			log_error("hashing failed deriving a visitor key");
			st = DB_FAILED;
			w->keys_at = 0;
			goto out;
		}
		changed = w->key_start[i] != keys[i].period_start ||
		    memcmp(k, w->key[i], HASH_KEY_LEN) != 0;
		if (i == 0 && changed)
			log_info("visitor key: using the key of the period "
			    "starting at %lld, current for %.0f s more",
			    keys[0].period_start, left);
		if (changed || w->keyed[i] == NULL) {
			if ((keyed = hash_keyed_new(k)) == NULL) {
				log_error("hashing failed setting a visitor key");
				st = DB_FAILED;
				w->keys_at = 0;
				goto out;
			}
			hash_keyed_free(w->keyed[i]);
			w->keyed[i] = keyed;
		}
		memcpy(w->key[i], k, HASH_KEY_LEN);
		w->key_start[i] = keys[i].period_start;
		w->key_expiry[i] = now + keys[i].expires_in;
	}
	w->keys_at = now;
out:
	hash_wipe(k, sizeof(k));
	hash_wipe(cand, sizeof(cand));
	hash_wipe(keys, sizeof(keys));
	return st;
}

/*
 * Forget the keys whose time is up: the database deletes a key when no
 * window needs it any more, and this thread's copy goes at the same
 * moment, visits or not (the idle loop wakes for it).
 */
static void
batch_forget(struct batch_writer *w, double now)
{
	size_t	 i;

	for (i = 0; i < 2; i++) {
		if (w->key_start[i] == 0 || now < w->key_expiry[i])
			continue;
		log_info("visitor key of the period starting at %lld "
		    "forgotten: no window needs it any more", w->key_start[i]);
		hash_wipe(w->key[i], HASH_KEY_LEN);
		hash_keyed_free(w->keyed[i]);
		w->keyed[i] = NULL;
		w->key_start[i] = 0;
		w->keys_at = 0;		/* ask again before the next hash */
	}
}

/*
 * When an idle database thread must wake without work: its next purge,
 * or the expiry of a key it holds; 0 if never.
 */
static double
batch_wake(const struct batch_writer *w)
{
	double	 t = 0;
	size_t	 i;

	if (w == w->b->w && w->b->purge)
		t = w->purge_at;
	for (i = 0; i < 2; i++)
		if (w->key_start[i] != 0 && (t == 0 || w->key_expiry[i] < t))
			t = w->key_expiry[i];
	return t;
}

/*
 * The visits of the batch, reqs[0..n-1] of them, as db_count_visits
 * takes them, in queue order: each tracked visit hashed under the
 * current key into w->hashes and, if one is alive, the previous one into
 * w->prev.  Returns 0, or -1 if hashing failed.
 */
static int
batch_hash(struct batch_writer *w, struct batch_req **reqs, size_t n)
{
	const struct visit	*v;
	struct db_visit		*d;
	size_t			 i;

	for (i = 0; i < n; i++) {
		v = reqs[i]->visit;
		d = &w->dv[i];
		d->counter = v->counter;
		d->page = v->page;
		d->page_make = v->page_make;
		d->kind = v->kind;
		d->path = v->path;
		d->ref = v->ref;
		d->browser = v->browser;
		d->hash = d->prev = NULL;
		if (v->kind != VISIT_TRACKED)
			continue;
		if (w->keyed[0] == NULL ||
		    hash_visitor(w->keyed[0], v->ident, v->identlen,
		    w->hashes[i]) == -1 || (w->keyed[1] != NULL &&
		    hash_visitor(w->keyed[1], v->ident, v->identlen,
		    w->prev[i]) == -1)) {
			log_error("hashing failed");
			return -1;
		}
		d->hash = w->hashes[i];
		d->prev = w->keyed[1] != NULL ? w->prev[i] : NULL;
	}
	return 0;
}

/* Record the visits reqs[0..n-1] with one call of count_batch. */
static void
batch_run_visits(struct batch_writer *w, struct batch_req **reqs, size_t n)
{
	enum db_status	 st = DB_OK;
	size_t		 i;
	int		 tracked = 0;

	for (i = 0; i < n; i++)
		tracked |= reqs[i]->visit->kind == VISIT_TRACKED;
	if (tracked && (st = batch_keys(w)) == DB_OK &&
	    batch_hash(w, reqs, n) == -1)
		st = DB_FAILED;
	else if (!tracked)
		(void)batch_hash(w, reqs, n);	/* cannot fail: no hash */
	if (st == DB_OK) {
		st = db_count_visits(w->db, w->dv, n, &w->b->opts, w->counts);
		metrics_batch(n);
	}
	if (tracked) {
		hash_wipe(w->hashes, n * VISITOR_LEN);
		hash_wipe(w->prev, n * VISITOR_LEN);
	}
	for (i = 0; i < n; i++) {
		reqs[i]->st = st;
		if (st == DB_OK)
			*reqs[i]->out = w->counts[i];
	}
	/*
	 * The database is failing or slow: a purge now would only add its
	 * reconnect and its own wait to the visits queued behind it.
	 */
	if (st != DB_OK && w->purge_at < clock_now() + BATCH_PURGE_GAP)
		w->purge_at = clock_now() + BATCH_PURGE_GAP;
}

/*
 * The connection for r: read_database's for a read that may lag, if
 * there is one; else the database's.
 */
static struct db *
batch_db(const struct batch_writer *w, const struct batch_req *r)
{
	return r->stale && w->rdb != NULL ? w->rdb : w->db;
}

/*
 * Read the counters of reqs[0..n-1], and their pages if any names one,
 * with one statement on db.
 */
static void
batch_run_reads(struct batch_writer *w, struct db *db,
    struct batch_req **reqs, size_t n)
{
	const char	**paths = NULL;
	enum db_status	 st;
	size_t		 i;

	for (i = 0; i < n; i++) {
		w->names[i] = reqs[i]->counter;
		w->paths[i] = reqs[i]->page;
		if (reqs[i]->page != NULL)
			paths = w->paths;
	}
	st = db_read_counters(db, w->names, paths, n, w->counts);
	for (i = 0; i < n; i++) {
		reqs[i]->st = st;
		if (st == DB_OK)
			*reqs[i]->out = w->counts[i];
	}
}

/*
 * Answer the requests reqs[0..n-1] (taken off the queue) with as few
 * statements as possible: one call of count_batch for all the visits,
 * one read_counters for all the reads of each connection (after the
 * visits, so that a read of the database sees them; one of a standby
 * may not yet), and each call on its own.
 */
static void
batch_run(struct batch_writer *w, struct batch_req **reqs, size_t n)
{
	struct db	*dbs[2] = { w->db, w->rdb };
	size_t		 i, d, nv = 0;

	for (i = 0; i < n; i++)
		if (reqs[i]->kind == BATCH_VISIT)
			w->vreqs[nv++] = reqs[i];
	if (nv > 0)
		batch_run_visits(w, w->vreqs, nv);
	for (d = 0; d < 2 && dbs[d] != NULL; d++) {
		for (i = 0, nv = 0; i < n; i++)
			if (reqs[i]->kind == BATCH_READ &&
			    batch_db(w, reqs[i]) == dbs[d])
				w->vreqs[nv++] = reqs[i];
		if (nv > 0)
			batch_run_reads(w, dbs[d], w->vreqs, nv);
	}
	for (i = 0; i < n; i++)
		if (reqs[i]->kind == BATCH_CALL)
			reqs[i]->st = reqs[i]->fn(batch_db(w, reqs[i]),
			    reqs[i]->arg);
}

/*
 * The first database thread, about once a second: remove a batch of
 * expired visitors and every expired key.  A full batch means more are
 * waiting: the next round comes sooner.
 */
static void
batch_purge(struct batch_writer *w)
{
	long long	 n[3];

	w->purge_at = clock_now() + BATCH_PURGE_GAP;
	if (db_purge(w->db, w->b->window, PURGE_BATCH, w->b->retention,
	    n) != DB_OK)
		return;
	metrics_purge(n);
	if (n[0] > 0 || n[1] > 0 || n[2] > 0)
		log_debug("purge: removed %lld expired visitors, %lld "
		    "expired keys and %lld visit log rows", n[0], n[1], n[2]);
	if (n[0] == PURGE_BATCH || n[2] == PURGE_BATCH)
		w->purge_at = clock_now() + BATCH_PURGE_MORE;
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

	rate = batch_rate(b->rate, b->queued, clock_now() - b->last_take);
	if (!batch_should_delay(rate, b->delay))
		return;
	metrics_commit_delay();
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

	now = clock_now();
	gap = now - b->last_take;
	b->rate = batch_rate(b->rate, n, gap);
	b->last_take = now;
	b->queued -= n;
}

/* The CLOCK_MONOTONIC time at monotonic seconds t, for a timed wait. */
static void
batch_timeout(double t, struct timespec *ts)
{
	if (t < 0)
		t = 0;
	ts->tv_sec = (time_t)t;
	ts->tv_nsec = (long)((t - (double)ts->tv_sec) * 1e9);
	if (ts->tv_nsec >= 1000000000L)
		ts->tv_nsec = 999999999L;
}

static void *
batch_writer_main(void *arg)
{
	struct batch_writer	*w = arg;
	struct batch		*b = w->b;
	struct batch_req	*r;
	struct timespec		 until;
	double			 now, wake;
	size_t			 n, i;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (b->head == NULL && !b->stopping) {
			now = clock_now();
			batch_forget(w, now);
			if (w == b->w && b->purge && now >= w->purge_at) {
				pthread_mutex_unlock(&b->lock);
				batch_purge(w);
				pthread_mutex_lock(&b->lock);
				continue;
			}
			if ((wake = batch_wake(w)) == 0) {
				pthread_cond_wait(&b->work, &b->lock);
				continue;
			}
			batch_timeout(wake, &until);
			pthread_cond_timedwait(&b->work, &b->lock, &until);
		}
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
		/* A busy server is never idle: purge between batches too. */
		if (w == b->w && b->purge && !b->stopping &&
		    clock_now() >= w->purge_at)
			batch_purge(w);
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

	t0 = clock_now();
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
		*waited = clock_now() - t0;
	return r->st;
}

/* Record the visit v; *out gets the numbers after it. */
enum db_status
batch_visit(struct batch *b, const struct visit *v, struct counts *out,
    double *waited)
{
	struct batch_req	 r = {
		.kind = BATCH_VISIT, .visit = v, .out = out
	};

	return batch_submit(b, &r, waited);
}

/*
 * Read counter's numbers without counting (and so check the database),
 * and its page's if page is not NULL; out->found and out->page_found say
 * whether they exist.
 */
enum db_status
batch_read(struct batch *b, const char *counter, const char *page,
    struct counts *out, double *waited)
{
	struct batch_req	 r = {
		.kind = BATCH_READ, .counter = counter, .page = page,
		.out = out
	};

	return batch_submit(b, &r, waited);
}

/*
 * Have a database thread run fn(its connection, arg), for the statements
 * that are not visits or reads (statistics, the admin API): one at a
 * time, between batches.
 */
enum db_status
batch_call(struct batch *b, batch_fn fn, void *arg, double *waited)
{
	struct batch_req	 r = {
		.kind = BATCH_CALL, .fn = fn, .arg = arg
	};

	return batch_submit(b, &r, waited);
}

/*
 * batch_read for a read that may lag: from read_database if it is set
 * (a standby's numbers may be behind the primary's: footfall.conf(5)).
 */
enum db_status
batch_peek(struct batch *b, const char *counter, const char *page,
    struct counts *out, double *waited)
{
	struct batch_req	 r = {
		.kind = BATCH_READ, .counter = counter, .page = page,
		.out = out, .stale = 1
	};

	return batch_submit(b, &r, waited);
}

/* batch_call for statements that only read and may lag, as batch_peek. */
enum db_status
batch_call_read(struct batch *b, batch_fn fn, void *arg, double *waited)
{
	struct batch_req	 r = {
		.kind = BATCH_CALL, .fn = fn, .arg = arg, .stale = 1
	};

	return batch_submit(b, &r, waited);
}

static void
batch_free(struct batch *b)
{
	size_t	 i;

	for (i = 0; i < b->nwriters; i++) {
		db_close(b->w[i].db);
		db_close(b->w[i].rdb);
		hash_wipe(b->w[i].key, sizeof(b->w[i].key));
		hash_keyed_free(b->w[i].keyed[0]);
		hash_keyed_free(b->w[i].keyed[1]);
		free(b->w[i].hashes);
		free(b->w[i].prev);
		free(b->w[i].counts);
		free(b->w[i].reqs);
		free(b->w[i].vreqs);
		free(b->w[i].dv);
		free(b->w[i].names);
		free(b->w[i].paths);
	}
	free(b->w);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->wake);
	pthread_mutex_destroy(&b->lock);
	free(b);
}

/*
 * Start the database threads: conf->db_connections of them, each with
 * its own connection (opened on first use).  secret (HASH_KEY_LEN bytes,
 * the caller's, alive until batch_close) is mixed into every visitor
 * key; if purge is set, the first thread removes what has expired.
 * Returns NULL if out of resources (logged).  batch_close stops and
 * frees it.
 */
struct batch *
batch_open(const struct conf *conf, const unsigned char *secret, int purge)
{
	struct batch		*b;
	struct batch_writer	*w;
	pthread_condattr_t	 ca;
	size_t			 i;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		goto nomem;
	pthread_mutex_init(&b->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&b->work, &ca);
	pthread_cond_init(&b->wake, &ca);
	pthread_condattr_destroy(&ca);
	b->tail = &b->head;
	b->window = conf->window;
	b->key_period = conf->key_period;
	b->retention = conf->log_retention;
	b->opts.window = conf->window;
	b->opts.interval = conf->count_interval;
	b->opts.max_counters = conf->ncounters > 0 ? -1 :
	    (long long)conf->max_counters;
	b->opts.log = conf->visit_log;
	b->opts.max_pages = conf->max_pages;
	b->secret = secret;
	b->purge = purge;
	b->delay = conf->commit_delay_us / 1e6;
	b->last_take = clock_now();
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
		if (conf->read_database != NULL && (w->rdb = db_open(
		    conf->read_database, conf->db_timeout_ms,
		    conf->connect_timeout)) == NULL) {
			batch_close(b);
			goto nomem;
		}
		w->hashes = calloc(DB_BATCH_MAX, VISITOR_LEN);
		w->prev = calloc(DB_BATCH_MAX, VISITOR_LEN);
		w->counts = calloc(DB_BATCH_MAX, sizeof(*w->counts));
		w->reqs = calloc(DB_BATCH_MAX, sizeof(*w->reqs));
		w->vreqs = calloc(DB_BATCH_MAX, sizeof(*w->vreqs));
		w->dv = calloc(DB_BATCH_MAX, sizeof(*w->dv));
		w->names = calloc(DB_BATCH_MAX, sizeof(*w->names));
		w->paths = calloc(DB_BATCH_MAX, sizeof(*w->paths));
		w->purge_at = clock_now();
		if (w->db == NULL || w->hashes == NULL || w->prev == NULL ||
		    w->counts == NULL || w->reqs == NULL || w->vreqs == NULL ||
		    w->dv == NULL || w->names == NULL || w->paths == NULL) {
			batch_close(b);
			goto nomem;
		}
		db_watch_durable(w->db);
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
