/*
 * A small cache of rendered answers, kept for a few seconds
 * (stats_cache in footfall.conf(5)).  GET /stats reads a counter's
 * totals and up to 366 daily rows; a page that polls it, or a crowd
 * that opens the same page, would otherwise make it the cheapest way
 * to load the database.  An answer is kept per key (the caller's: a
 * counter and its days) for ttl milliseconds, so the database answers
 * at most once per key and per ttl for each request thread that finds
 * the key missing at once.
 *
 * It is bounded twice: CACHE_SLOTS keys and CACHE_BYTES of answers;
 * a new answer evicts the oldest ones.  One mutex guards it all: a hit
 * holds it for a copy of a few kilobytes, nothing that waits.  Time is
 * the caller's (clock_ms, or a test's clock), in milliseconds.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "footfall.h"

struct cache_slot {
	char		 key[CACHE_KEY_MAX];	/* "" if the slot is free */
	char		*text;
	size_t		 len;
	long long	 stored;		/* ms, clock_ms's clock */
};

struct cache {
	pthread_mutex_t		 lock;
	long long		 ttl;		/* ms */
	size_t			 bytes;		/* of every text kept */
	struct cache_slot	 slot[CACHE_SLOTS];
};

/*
 * A cache keeping answers for ttl_ms milliseconds.  Returns NULL when
 * out of memory; cache_close frees it.
 */
struct cache *
cache_open(long long ttl_ms)
{
	struct cache	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	c->ttl = ttl_ms;
	return c;
}

static void
cache_evict(struct cache *c, struct cache_slot *s)
{
	c->bytes -= s->len;
	free(s->text);
	memset(s, 0, sizeof(*s));
}

void
cache_close(struct cache *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < CACHE_SLOTS; i++)
		cache_evict(c, &c->slot[i]);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The slot holding key, or NULL.  With the lock held. */
static struct cache_slot *
cache_find(struct cache *c, const char *key)
{
	size_t	 i;

	for (i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].key[0] != '\0' &&
		    strcmp(c->slot[i].key, key) == 0)
			return &c->slot[i];
	return NULL;
}

/*
 * A copy of key's answer if it was stored less than ttl ago at now,
 * for the caller to free; NULL if it is missing or stale (or if out of
 * memory: the caller asks the database as if it were missing).
 */
char *
cache_get(struct cache *c, const char *key, long long now)
{
	struct cache_slot	*s;
	char			*text = NULL;

	pthread_mutex_lock(&c->lock);
	if ((s = cache_find(c, key)) != NULL && now - s->stored < c->ttl &&
	    (text = malloc(s->len + 1)) != NULL)
		memcpy(text, s->text, s->len + 1);
	pthread_mutex_unlock(&c->lock);
	return text;
}

/*
 * Keep a copy of text as key's answer from now.  It replaces key's old
 * answer, else takes a free slot, else the oldest answer's; then older
 * answers go until all fit in CACHE_BYTES.  Returns 0, or -1 if it was
 * not kept (the key too long, the text larger than the cache, out of
 * memory): the answer is still right, only not cached.
 */
int
cache_put(struct cache *c, const char *key, const char *text, long long now)
{
	struct cache_slot	*s, *old;
	size_t			 len = strlen(text), klen = strlen(key), i;
	char			*copy;

	if (klen == 0 || klen >= CACHE_KEY_MAX || len > CACHE_BYTES)
		return -1;
	if ((copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, text, len + 1);
	pthread_mutex_lock(&c->lock);
	if ((s = cache_find(c, key)) == NULL) {
		for (i = 0; i < CACHE_SLOTS; i++) {
			old = &c->slot[i];
			if (s == NULL || old->key[0] == '\0' ||
			    (s->key[0] != '\0' && old->stored < s->stored))
				s = old;
		}
	}
	cache_evict(c, s);
	while (c->bytes + len > CACHE_BYTES) {
		old = NULL;
		for (i = 0; i < CACHE_SLOTS; i++)
			if (c->slot[i].key[0] != '\0' && (old == NULL ||
			    c->slot[i].stored < old->stored))
				old = &c->slot[i];
		cache_evict(c, old);
	}
	memcpy(s->key, key, klen + 1);
	s->text = copy;
	s->len = len;
	s->stored = now;
	c->bytes += len;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* How many answers are kept and their bytes, for the tests and checks. */
void
cache_usage(struct cache *c, size_t *n, size_t *bytes)
{
	size_t	 i;

	pthread_mutex_lock(&c->lock);
	for (*n = 0, i = 0; i < CACHE_SLOTS; i++)
		if (c->slot[i].key[0] != '\0')
			(*n)++;
	*bytes = c->bytes;
	pthread_mutex_unlock(&c->lock);
}
