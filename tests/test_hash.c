#include "config.h"

#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "footfall.h"

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* RFC 4231, test cases 1 and 2. */
Test(hash, rfc4231)
{
	unsigned char	 key[20], out[HASH_LEN];
	char		 s[2 * HASH_LEN + 1];

	memset(key, 0x0b, sizeof(key));
	cr_assert_eq(hash_hmac(key, 20, "Hi There", 8, out), 0);
	hex(out, HASH_LEN, s);
	cr_expect_str_eq(s, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	cr_assert_eq(hash_hmac((const unsigned char *)"Jefe", 4,
	    "what do ya want for nothing?", 28, out), 0);
	hex(out, HASH_LEN, s);
	cr_expect_str_eq(s, "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
}

Test(hash, visitor)
{
	unsigned char	 k1[HASH_KEY_LEN], k2[HASH_KEY_LEN];
	unsigned char	 a[HASH_LEN], b[HASH_LEN];
	struct addr	 v4, mapped, other, v6;

	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	cr_assert_eq(addr_parse("192.0.2.1", &v4), 0);
	cr_assert_eq(addr_parse("::ffff:192.0.2.1", &mapped), 0);
	cr_assert_eq(addr_parse("192.0.2.2", &other), 0);
	cr_assert_eq(addr_parse("c000:201::", &v6), 0);

	hash_visitor(k1, &v4, a);
	hash_visitor(k1, &mapped, b);
	cr_expect_arr_eq(a, b, HASH_LEN, "mapped and plain IPv4 differ");
	hash_visitor(k2, &v4, b);
	cr_expect_arr_neq(a, b, HASH_LEN, "the key does not matter");
	hash_visitor(k1, &other, b);
	cr_expect_arr_neq(a, b, HASH_LEN, "two addresses hash alike");
	hash_visitor(k1, &v6, b);
	cr_expect_arr_neq(a, b, HASH_LEN, "IPv6 with IPv4's bytes hashes alike");
}

Test(hash, key_file)
{
	char		 dir[] = "/tmp/footfall-hash.XXXXXX", path[256];
	unsigned char	 k1[HASH_KEY_LEN], k2[HASH_KEY_LEN];
	const char	*errstr = NULL;
	struct stat	 st;
	FILE		*f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key", dir);
	cr_expect_eq(hash_key_load(path, 0, k1, &errstr), -1,
	    "a missing key loads without create");
	cr_assert_eq(hash_key_load(path, 1, k1, &errstr), 0, "%s", errstr);
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	cr_expect_eq(st.st_size, HASH_KEY_LEN);
	cr_assert_eq(hash_key_load(path, 1, k2, &errstr), 0);
	cr_expect_arr_eq(k1, k2, HASH_KEY_LEN, "a second load differs");

	chmod(path, 0644);
	cr_expect_eq(hash_key_load(path, 1, k2, &errstr), -1,
	    "a world-readable key was accepted");
	unlink(path);
	f = fopen(path, "w");
	fputs("short", f);
	fclose(f);
	chmod(path, 0600);
	cr_expect_eq(hash_key_load(path, 1, k2, &errstr), -1,
	    "a short key was accepted");
	unlink(path);
	rmdir(dir);
}
