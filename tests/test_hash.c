#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

Test(hash, hmac_rfc4231)
{
	static const struct {
		const char	*name;
		unsigned char	 key[20];
		size_t		 keylen;
		const char	*data;
		const char	*want;
	} t[] = {
		{ "case 1",
		    { 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
		      0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
		      0x0b, 0x0b }, 20, "Hi There",
		    "b0344c61d8db38535ca8afceaf0bf12b"
		    "881dc200c9833da726e9376c2e32cff7" },
		{ "case 2", "Jefe", 4, "what do ya want for nothing?",
		    "5bdcc146bf60754e6a042426089575c7"
		    "5a003f089d2739839dec58b964ec3843" },
	};
	unsigned char	 out[HASH_LEN];
	char		 got[2 * HASH_LEN + 1];
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(hash_hmac(t[i].key, t[i].keylen, t[i].data,
		    strlen(t[i].data), out), 0, "%s", t[i].name);
		hex(out, HASH_LEN, got);
		cr_assert_str_eq(got, t[i].want, "RFC 4231 %s", t[i].name);
	}
}

/*
 * A visitor's key is the first 16 bytes of the HMAC.  HMAC pads a key
 * shorter than SHA-256's block with zeros, so RFC 4231's case 2 ("Jefe")
 * is also the HMAC under "Jefe" and 28 zero bytes, a HASH_KEY_LEN key.
 * The keyed state is made once and serves every visit: a second visit,
 * and one after another message, hash from the key alone again.
 */
Test(hash, visitor_is_hmac_cut)
{
	unsigned char		 key[HASH_KEY_LEN] = { 'J', 'e', 'f', 'e' };
	unsigned char		 out[VISITOR_LEN + 1];
	char			 got[2 * VISITOR_LEN + 1];
	const char		*data = "what do ya want for nothing?";
	struct hash_keyed	*k;
	int			 i;

	cr_assert_not_null(k = hash_keyed_new(key));
	for (i = 0; i < 3; i++) {
		memset(out, 0xee, sizeof(out));
		if (i == 1)
			cr_assert_eq(hash_visitor(k, "other", 5, out), 0);
		cr_assert_eq(hash_visitor(k, data, strlen(data), out), 0);
		hex(out, VISITOR_LEN, got);
		cr_assert_str_eq(got, "5bdcc146bf60754e6a042426089575c7",
		    "visit %d", i);
		cr_assert_eq(out[VISITOR_LEN], 0xee,
		    "wrote past VISITOR_LEN bytes");
	}
	hash_keyed_free(k);
}

/* Two keys give two visitors; each keyed state keeps its own key. */
Test(hash, visitor_keys_apart)
{
	unsigned char		 ka[HASH_KEY_LEN], kb[HASH_KEY_LEN];
	unsigned char		 a1[VISITOR_LEN], b1[VISITOR_LEN];
	unsigned char		 a2[VISITOR_LEN];
	struct hash_keyed	*a, *b;

	memset(ka, 0x11, sizeof(ka));
	memset(kb, 0x22, sizeof(kb));
	cr_assert_not_null(a = hash_keyed_new(ka));
	cr_assert_not_null(b = hash_keyed_new(kb));
	cr_assert_eq(hash_visitor(a, "v", 1, a1), 0);
	cr_assert_eq(hash_visitor(b, "v", 1, b1), 0);
	cr_assert_eq(hash_visitor(a, "v", 1, a2), 0);
	cr_assert(memcmp(a1, b1, VISITOR_LEN) != 0);
	cr_assert(memcmp(a1, a2, VISITOR_LEN) == 0);
	hash_keyed_free(a);
	hash_keyed_free(b);
	hash_keyed_free(NULL);
}

Test(hash, sha256_fips180)
{
	static const struct {
		const char	*data;
		const char	*want;
	} t[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb924"
		    "27ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		    "248d6a61d20638b8e5c026930c3e6039"
		    "a33ce45964ff2167f6ecedd419db06c1" },
	};
	unsigned char	 out[HASH_LEN];
	char		 got[2 * HASH_LEN + 1];
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		cr_assert_eq(hash_sha256(t[i].data, strlen(t[i].data), out), 0,
		    "\"%s\"", t[i].data);
		hex(out, HASH_LEN, got);
		cr_assert_str_eq(got, t[i].want, "SHA-256 of \"%s\"", t[i].data);
	}
}

Test(hash, equal)
{
	unsigned char	 a[HASH_LEN], b[HASH_LEN];
	size_t		 i;

	memset(a, 0x42, sizeof(a));
	memcpy(b, a, sizeof(b));
	cr_assert_eq(hash_equal(a, b, sizeof(a)), 1, "equal");
	cr_assert_eq(hash_equal(a, b, 0), 1, "zero bytes are equal");
	/* A difference anywhere, first byte to last, one bit at a time. */
	for (i = 0; i < sizeof(b); i++) {
		b[i] ^= 0x01;
		cr_assert_eq(hash_equal(a, b, sizeof(a)), 0, "byte %zu", i);
		b[i] ^= 0x81;
		cr_assert_eq(hash_equal(a, b, sizeof(a)), 0, "byte %zu bit 7",
		    i);
		b[i] ^= 0x80;
	}
	cr_assert_eq(hash_equal(a, b, sizeof(a)), 1, "restored");
}

Test(hash, random)
{
	unsigned char	 a[HASH_KEY_LEN], b[HASH_KEY_LEN], zero[HASH_KEY_LEN];

	memset(zero, 0, sizeof(zero));
	cr_assert_eq(hash_random(a, sizeof(a)), 0);
	cr_assert_eq(hash_random(b, sizeof(b)), 0);
	cr_assert_arr_neq(a, b, sizeof(a), "two draws differ");
	cr_assert_arr_neq(a, zero, sizeof(a), "not left zero");
	hash_wipe(a, sizeof(a));
	cr_assert_arr_eq(a, zero, sizeof(a), "wiped");
}

static char	 dir[] = "/tmp/footfall-hash-XXXXXX";

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir), "mkdtemp");
}

static void
teardown(void)
{
	char	 cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	(void)system(cmd);
}

static void
write_file(const char *path, size_t len, mode_t mode)
{
	unsigned char	 buf[64];
	int		 fd;

	memset(buf, 0x5a, sizeof(buf));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_neq(fd, -1, "create %s", path);
	cr_assert_eq(write(fd, buf, len), (ssize_t)len, "write %s", path);
	close(fd);
	cr_assert_eq(chmod(path, mode), 0, "chmod %s", path);
}

Test(hash, key_create_and_reload, .init = setup, .fini = teardown)
{
	unsigned char	 k1[HASH_KEY_LEN], k2[HASH_KEY_LEN];
	const char	*errstr = NULL;
	char		 path[PATH_MAX];
	struct stat	 st;

	snprintf(path, sizeof(path), "%s/key", dir);
	cr_assert_eq(hash_key_load(path, 1, k1, &errstr), 0, "create: %s",
	    errstr ? errstr : "");
	cr_assert_eq(stat(path, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o",
	    (unsigned)(st.st_mode & 07777));
	cr_assert_eq(st.st_size, HASH_KEY_LEN);

	cr_assert_eq(hash_key_load(path, 1, k2, &errstr), 0, "reload");
	cr_assert_arr_eq(k1, k2, HASH_KEY_LEN, "same key on reload");
	memset(k2, 0, sizeof(k2));
	cr_assert_eq(hash_key_load(path, 0, k2, &errstr), 0, "reload, no create");
	cr_assert_arr_eq(k1, k2, HASH_KEY_LEN, "same key without create");
}

Test(hash, key_refused, .init = setup, .fini = teardown)
{
	static const struct {
		const char	*name;
		size_t		 len;
		mode_t		 mode;
	} t[] = {
		{ "mode0644", HASH_KEY_LEN, 0644 },
		{ "mode0640", HASH_KEY_LEN, 0640 },
		{ "short", HASH_KEY_LEN - 1, 0600 },
		{ "long", HASH_KEY_LEN + 1, 0600 },
		{ "empty", 0, 0600 },
	};
	unsigned char	 k[HASH_KEY_LEN];
	const char	*errstr;
	char		 path[PATH_MAX];
	size_t		 i;

	for (i = 0; i < NELEM(t); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, t[i].name);
		write_file(path, t[i].len, t[i].mode);
		errstr = NULL;
		cr_assert_eq(hash_key_load(path, 1, k, &errstr), -1,
		    "refuse %s", t[i].name);
		cr_assert_not_null(errstr, "reason for %s", t[i].name);
	}

	snprintf(path, sizeof(path), "%s/missing", dir);
	errstr = NULL;
	cr_assert_eq(hash_key_load(path, 0, k, &errstr), -1, "missing file");
	cr_assert_not_null(errstr);
	cr_assert_eq(access(path, F_OK), -1, "create=0 must not create");
}
