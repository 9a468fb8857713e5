/*
 * harness/options.c — the options of a scenario run: defaults, the "key=value" words that
 * the trace header keeps for replay, and the small parsers the command line needs.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEY_MAX_INSTRUCTIONS "max-instructions"
#define KEY_MAX_MEMORY "max-memory"

/* Fill o with the defaults: no seed override, traces under pktsim-out, the default
 * instruction limit. */
void harness_opts_defaults(struct harness_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->out_dir = HARNESS_DEFAULT_OUT;
	o->max_instructions = HARNESS_DEFAULT_MAX_INSTRUCTIONS;
	o->max_memory = HARNESS_DEFAULT_MAX_MEMORY;
}

/* Decimal digits only, no sign, no overflow: 0 and *out, or -EINVAL (out untouched). */
int harness_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	return 0;
}

/* The options that change a run, as key=value words for the trace header. */
const char *harness_opts_format(const struct harness_opts *o, char *buf, size_t n)
{
	snprintf(buf, n, KEY_MAX_INSTRUCTIONS "=%llu " KEY_MAX_MEMORY "=%llu",
	         (unsigned long long)o->max_instructions, (unsigned long long)o->max_memory);
	return buf;
}

static int is_key(const char *word, const char *eq, const char *key)
{
	return (size_t)(eq - word) == strlen(key) && !strncmp(word, key, (size_t)(eq - word));
}

/* Apply one "key=value" word. */
static int opts_apply(const char *word, size_t len, struct harness_opts *o, char *err,
                      size_t errlen)
{
	char buf[128];
	const char *eq;
	uint64_t v;
	if (len >= sizeof(buf)) {
		sim_errf(err, errlen, "option word too long: \"%.40s...\"", word);
		return -EINVAL;
	}
	memcpy(buf, word, len);
	buf[len] = 0;
	eq = strchr(buf, '=');
	if (!eq) {
		sim_errf(err, errlen, "option \"%s\" is not key=value", buf);
		return -EINVAL;
	}
	if (is_key(buf, eq, KEY_MAX_INSTRUCTIONS) || is_key(buf, eq, KEY_MAX_MEMORY)) {
		if (harness_parse_u64(eq + 1, &v) || v == 0) {
			sim_errf(err, errlen, "option %s: not a positive integer", buf);
			return -EINVAL;
		}
		if (is_key(buf, eq, KEY_MAX_MEMORY))
			o->max_memory = v;
		else
			o->max_instructions = v;
		return 0;
	}
	sim_errf(err, errlen,
	     "unknown option \"%s\" (this pktsim knows: " KEY_MAX_INSTRUCTIONS ", " KEY_MAX_MEMORY ")",
	     buf);
	return -EINVAL;
}

/* Apply key=value words from a trace header to o; -EINVAL with err for an unknown key
 * or a bad value (o may be partly updated). */
int harness_opts_parse(const char *text, struct harness_opts *o, char *err, size_t errlen)
{
	const char *p = text ? text : "";
	while (*p) {
		size_t len;
		int rc;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		len = strcspn(p, " \t\n");
		if (!len)
			break;
		rc = opts_apply(p, len, o, err, errlen);
		if (rc)
			return rc;
		p += len;
	}
	return 0;
}

/* mkdir -p path; 0, or a negative errno with the reason in err. */
int harness_mkdirs(const char *path, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(buf)) {
		sim_errf(err, errlen, "bad directory name \"%s\"", path);
		return -EINVAL;
	}
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char c = *p;
		*p = 0;
		if (mkdir(buf, 0777) && errno != EEXIST) {
			int e = errno;
			sim_errf(err, errlen, "cannot create directory %s: %s", buf, strerror(e));
			return -e;
		}
		*p = c;
		if (!c)
			break;
	}
	struct stat st;
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		sim_errf(err, errlen, "%s is not a directory", path);
		return -ENOTDIR;
	}
	return 0;
}
