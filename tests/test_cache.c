#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "footfall.h"

/* The copy the cache gives, compared and freed; NULL expected as "". */
static void
cache_expect(struct cache *c, const char *key, long long now,
    const char *want)
{
	char	*got = cache_get(c, key, now);

	if (want == NULL)
		cr_assert_null(got, "%s at %lld: %s", key, now, got);
	else {
		cr_assert_not_null(got, "%s at %lld: missing", key, now);
		cr_assert_str_eq(got, want, "%s at %lld", key, now);
	}
	free(got);
}

Test(cache, kept_for_the_ttl_then_gone)
{
	struct cache	*c = cache_open(1000);

	cr_assert_not_null(c);
	cache_expect(c, "30/default", 5000, NULL);
	cr_assert_eq(cache_put(c, "30/default", "{\"a\":1}", 5000), 0);
	cache_expect(c, "30/default", 5000, "{\"a\":1}");
	cache_expect(c, "30/default", 5999, "{\"a\":1}");
	cache_expect(c, "30/default", 6000, NULL);
	/* Another key, or the same counter with other days, is its own. */
	cache_expect(c, "7/default", 5500, NULL);
	cache_expect(c, "30/other", 5500, NULL);
	/* A new answer replaces the old one and starts its own ttl. */
	cr_assert_eq(cache_put(c, "30/default", "{\"a\":2}", 6000), 0);
	cache_expect(c, "30/default", 6999, "{\"a\":2}");
	cache_expect(c, "30/default", 7000, NULL);
	cache_close(c);
}

Test(cache, a_copy_each_time)
{
	struct cache	*c = cache_open(1000);
	char		 text[] = "{\"b\":1}", *a, *b;

	cr_assert_eq(cache_put(c, "k", text, 0), 0);
	text[2] = 'x';		/* the cache kept its own copy */
	a = cache_get(c, "k", 1);
	b = cache_get(c, "k", 1);
	cr_assert_str_eq(a, "{\"b\":1}");
	cr_assert_neq(a, b);
	a[0] = '!';		/* and gives one the caller may change */
	cr_assert_str_eq(b, "{\"b\":1}");
	free(a);
	free(b);
	cache_close(c);
}

Test(cache, refuses_what_it_cannot_keep)
{
	struct cache	*c = cache_open(1000);
	char		 key[CACHE_KEY_MAX + 1], *big;
	size_t		 n, bytes;

	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = '\0';
	cr_assert_eq(cache_put(c, key, "x", 0), -1, "a key too long");
	key[CACHE_KEY_MAX - 1] = '\0';
	cr_assert_eq(cache_put(c, key, "x", 0), 0, "the longest key");
	cache_expect(c, key, 0, "x");
	cr_assert_eq(cache_put(c, "", "x", 0), -1, "an empty key");
	cr_assert_not_null(big = malloc(CACHE_BYTES + 2));
	memset(big, 'b', CACHE_BYTES + 1);
	big[CACHE_BYTES + 1] = '\0';
	cr_assert_eq(cache_put(c, "big", big, 0), -1, "larger than the cache");
	cache_expect(c, "big", 0, NULL);
	big[CACHE_BYTES] = '\0';
	cr_assert_eq(cache_put(c, "big", big, 0), 0, "as large as the cache");
	cache_usage(c, &n, &bytes);
	cr_assert_eq(n, 1, "the whole cache for one answer: %zu kept", n);
	cr_assert_eq(bytes, CACHE_BYTES);
	cache_expect(c, key, 0, NULL);
	free(big);
	cache_close(c);
}

/* More keys than slots: the oldest answers go, the newest stay. */
Test(cache, bounded_by_slots)
{
	struct cache	*c = cache_open(1000000);
	char		 key[32], want[32];
	size_t		 n, bytes, i;

	for (i = 0; i < 3 * CACHE_SLOTS; i++) {
		snprintf(key, sizeof(key), "%zu/c", i);
		cr_assert_eq(cache_put(c, key, key, (long long)i), 0);
		cache_usage(c, &n, &bytes);
		cr_assert_leq(n, CACHE_SLOTS);
	}
	cr_assert_eq(n, CACHE_SLOTS);
	for (i = 0; i < 3 * CACHE_SLOTS; i++) {
		snprintf(key, sizeof(key), "%zu/c", i);
		snprintf(want, sizeof(want), "%zu/c", i);
		cache_expect(c, key, 1000, i < 2 * CACHE_SLOTS ? NULL : want);
	}
	cache_close(c);
}

/* Large answers: the bytes stay under CACHE_BYTES, the oldest go. */
Test(cache, bounded_by_bytes)
{
	struct cache	*c = cache_open(1000000);
	size_t		 len = CACHE_BYTES / 4 + 1, n, bytes, i;
	char		 key[32], *text;

	cr_assert_not_null(text = malloc(len + 1));
	memset(text, 't', len);
	text[len] = '\0';
	for (i = 0; i < 10; i++) {
		snprintf(key, sizeof(key), "%zu/c", i);
		cr_assert_eq(cache_put(c, key, text, (long long)i), 0);
		cache_usage(c, &n, &bytes);
		cr_assert_leq(bytes, CACHE_BYTES, "%zu bytes", bytes);
		cr_assert_eq(bytes, n * len);
	}
	cr_assert_eq(n, 3, "three of a quarter and a byte fit: %zu", n);
	cache_expect(c, "6/c", 100, NULL);
	cache_expect(c, "7/c", 100, text);
	cache_expect(c, "9/c", 100, text);
	/* A replaced answer's bytes are counted once. */
	cr_assert_eq(cache_put(c, "9/c", "short", 100), 0);
	cache_usage(c, &n, &bytes);
	cr_assert_eq(bytes, 2 * len + 5);
	free(text);
	cache_close(c);
}

/*
 * Threads putting and getting the same few keys at once: every answer
 * read is one that was put whole (ThreadSanitizer, in tests/tsan.test's
 * build, sees any access outside the lock).
 */
#define CACHE_THREADS	8
#define CACHE_ROUNDS	2000

static void *
cache_worker(void *arg)
{
	struct cache	*c = arg;
	char		 key[16], text[64], *got;
	int		 i;

	for (i = 0; i < CACHE_ROUNDS; i++) {
		snprintf(key, sizeof(key), "%d/c", i % 5);
		snprintf(text, sizeof(text), "{\"key\":\"%s\",\"n\":%d}", key,
		    i);
		(void)cache_put(c, key, text, i);
		if ((got = cache_get(c, key, i)) != NULL &&
		    strncmp(got + 8, key, strlen(key)) != 0) {
			free(got);
			return (void *)1;
		}
		free(got);
	}
	return NULL;
}

Test(cache, threads)
{
	struct cache	*c = cache_open(10);
	pthread_t	 t[CACHE_THREADS];
	void		*rc;
	size_t		 i;

	for (i = 0; i < CACHE_THREADS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, cache_worker, c), 0);
	for (i = 0; i < CACHE_THREADS; i++) {
		cr_assert_eq(pthread_join(t[i], &rc), 0);
		cr_assert_null(rc, "a thread read another key's answer");
	}
	cache_close(c);
}
