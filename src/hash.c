/*
 * Visitor hashing: the only file that includes OpenSSL.
 *
 * A visitor is the first VISITOR_LEN (16) bytes of HMAC-SHA256(key,
 * identity), the identity built by ident.c: 128 bits keep visitors
 * apart (among a billion in one window, the odds that two share a key
 * are below 10^-20), and the index of the visitor table's key, which
 * every counted visit probes and writes at a random place, is a third
 * smaller than with all 32 (sql/012_visitor_key16.sql).  A plain
 * SHA-256 of an IPv4 address is no protection: all 2^32 candidates are
 * hashed in minutes.  The key is what keeps the stored hashes from
 * being reversed, and it rotates (batch.c): each period's key is
 * HMAC-SHA256(secret, period key), where the period key is random, lives
 * in the database and is deleted when no window needs it any more, and
 * the secret is generated here from the CSPRNG, kept in a file of mode
 * 0600 and never logged.  So neither a copy of the
 * database nor the secret alone can recompute a visitor's hash, and once
 * a period key is deleted nothing can.
 *
 * The admin token's SHA-256 and its constant-time comparison live here
 * too, so that admin.c stays free of OpenSSL.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "footfall.h"

/*
 * The HMAC implementation, fetched once: a fetch looks the algorithm up
 * in OpenSSL's provider store under a lock, which costs more than the
 * HMAC of a visitor itself.  A fetched EVP_MAC may be shared by threads;
 * it lives as long as the process.
 */
static EVP_MAC		*hash_mac;
static pthread_once_t	 hash_once = PTHREAD_ONCE_INIT;

static void
hash_fetch(void)
{
	hash_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* An HMAC-SHA256 context keyed with key, or NULL. */
static EVP_MAC_CTX *
hash_ctx_new(const unsigned char *key, size_t keylen)
{
	EVP_MAC_CTX	*ctx = NULL;
	OSSL_PARAM	 params[2];

	if (pthread_once(&hash_once, hash_fetch) != 0 || hash_mac == NULL ||
	    (ctx = EVP_MAC_CTX_new(hash_mac)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, keylen, params)) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	return ctx;
}

/*
 * HMAC-SHA256 of msg under key, through the EVP MAC interface.
 * Returns 0 and fills out, or -1.
 */
int
hash_hmac(const unsigned char *key, size_t keylen, const void *msg,
    size_t len, unsigned char out[HASH_LEN])
{
	EVP_MAC_CTX	*ctx;
	size_t		 outlen = 0;
	int		 rc = -1;

	if ((ctx = hash_ctx_new(key, keylen)) == NULL)
		goto out;
	if (!EVP_MAC_update(ctx, msg, len) ||
	    !EVP_MAC_final(ctx, out, &outlen, HASH_LEN) ||
	    outlen != HASH_LEN)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

/*
 * A visitor key made ready to hash with: HMAC's keyed state (the key's
 * two padded blocks, hashed) is computed once, when the key is set, and
 * each visit starts again from it (EVP_MAC_init without a key).  A
 * context made and keyed for every visit cost 1.3 us against 0.2 on this
 * machine: OpenSSL looked SHA-256 up and hashed the padded key twice
 * each time (doc/bench.md).  One thread uses a hash_keyed at a time.
 */
struct hash_keyed {
	EVP_MAC_CTX	*ctx;
};

/* The key ready to hash with, or NULL (out of memory, OpenSSL failed). */
struct hash_keyed *
hash_keyed_new(const unsigned char key[HASH_KEY_LEN])
{
	struct hash_keyed	*k = NULL;
	EVP_MAC_CTX		*ctx;

	if ((ctx = hash_ctx_new(key, HASH_KEY_LEN)) == NULL)
		goto out;
	if ((k = malloc(sizeof(*k))) == NULL)
		goto out;
	k->ctx = ctx;
	ctx = NULL;
out:
	EVP_MAC_CTX_free(ctx);
	return k;
}

/* Free k; its key state is wiped (OpenSSL clears what it frees). */
void
hash_keyed_free(struct hash_keyed *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->ctx);
	free(k);
}

/*
 * A visitor's stored key: HMAC-SHA256 of its identity under k, cut to
 * VISITOR_LEN bytes (the rest wiped).  Returns 0 and fills out, or -1.
 */
int
hash_visitor(struct hash_keyed *k, const void *ident, size_t len,
    unsigned char out[VISITOR_LEN])
{
	unsigned char	 mac[HASH_LEN];
	size_t		 outlen = 0;
	int		 rc = -1;

	if (!EVP_MAC_init(k->ctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(k->ctx, ident, len) ||
	    !EVP_MAC_final(k->ctx, mac, &outlen, HASH_LEN) ||
	    outlen != HASH_LEN)
		goto out;
	memcpy(out, mac, VISITOR_LEN);
	rc = 0;
out:
	hash_wipe(mac, sizeof(mac));
	return rc;
}

/*
 * Plain SHA-256 of msg, for the admin token (admin.c): the token is
 * random and long, so unlike a visitor's address it needs no key.
 * Returns 0 and fills out, or -1 (OpenSSL could not allocate).
 */
int
hash_sha256(const void *msg, size_t len, unsigned char out[HASH_LEN])
{
	unsigned int	 outlen = 0;

	if (!EVP_Digest(msg, len, out, &outlen, EVP_sha256(), NULL) ||
	    outlen != HASH_LEN)
		return -1;
	return 0;
}

/*
 * 1 if the len bytes at a and b are equal, else 0, in a time that does
 * not depend on where they differ (CRYPTO_memcmp reads every byte), so
 * that an attacker cannot find a secret's bytes one at a time.
 */
int
hash_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

/* Fill buf with len bytes from the CSPRNG.  Returns 0, or -1. */
int
hash_random(unsigned char *buf, size_t len)
{
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

/* Erase secret bytes in a way the compiler may not optimise away. */
void
hash_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

static int
hash_key_read(const char *path, unsigned char key[HASH_KEY_LEN],
    const char **errstr)
{
	struct stat	 st;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		*errstr = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		*errstr = strerror(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size != HASH_KEY_LEN) {
		*errstr = "not a regular file of exactly 32 bytes";
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		*errstr = "readable by group or others (chmod 600 it)";
		goto out;
	}
	if ((n = read(fd, key, HASH_KEY_LEN)) != HASH_KEY_LEN) {
		*errstr = n == -1 ? strerror(errno) : "short read";
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/*
 * Generate a key and publish it at path atomically: write a temporary
 * file, then link(2) it into place, which fails if another process won
 * the race, in which case its key is the one to read.
 */
static int
hash_key_create(const char *path, const char **errstr)
{
	unsigned char	 key[HASH_KEY_LEN];
	char		 tmp[PATH_MAX];
	int		 fd = -1, rc = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		*errstr = "path too long";
		return -1;
	}
	if (RAND_bytes(key, sizeof(key)) != 1) {
		*errstr = "no randomness from the CSPRNG";
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		*errstr = strerror(errno);
		goto out;
	}
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) == -1) {
		*errstr = strerror(errno);
		goto out;
	}
	if (link(tmp, path) == -1 && errno != EEXIST) {
		*errstr = strerror(errno);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	if (fd != -1) {
		close(fd);
		unlink(tmp);
	}
	return rc;
}

/*
 * Load the visitor key from path into key, first creating it if it does
 * not exist and create is set.  Returns 0, or -1 with *errstr saying why
 * (the path is the caller's to add).
 */
int
hash_key_load(const char *path, int create, unsigned char key[HASH_KEY_LEN],
    const char **errstr)
{
	if (create && access(path, F_OK) == -1 && errno == ENOENT) {
		if (hash_key_create(path, errstr) == -1)
			return -1;
		log_info("generated a new visitor key in %s", path);
	}
	return hash_key_read(path, key, errstr);
}
