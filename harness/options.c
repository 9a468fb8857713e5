/*
 * harness/options.c — the options of a scenario run: defaults, the "key=value" words that
 * the trace header keeps for replay, and the small parsers the command line needs.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KEY_MAX_INSTRUCTIONS "max-instructions"
#define KEY_MAX_MEMORY "max-memory"
#define KEY_DRIVER "driver"
#define KEY_DRIVER_DIR "driver-dir"
#define KEY_PARAM "param." /* param.NAME=VALUE: one -D parameter */

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

/* Append " key=value" to buf (length *len of n), the value percent-encoded where it holds
 * a space, a control character or '%', so that a path stays one word. */
static void put_word(char *buf, size_t n, size_t *len, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t l = *len;
	l += (size_t)snprintf(buf + l, l < n ? n - l : 0, " %s=", key);
	for (const unsigned char *p = (const unsigned char *)value; *p && l + 4 < n; p++) {
		if (*p <= ' ' || *p == '%' || *p == 0x7f) {
			buf[l++] = '%';
			buf[l++] = hex[*p >> 4];
			buf[l++] = hex[*p & 15];
		} else {
			buf[l++] = (char)*p;
		}
	}
	if (l < n)
		buf[l] = 0;
	*len = l;
}

/* Decode a value written by put_word into out (size n); -EINVAL for a bad escape or one
 * too long. */
static int get_value(const char *v, char *out, size_t n)
{
	size_t l = 0;
	for (; *v; v++) {
		unsigned c = (unsigned char)*v;
		if (c == '%') {
			unsigned hi, lo;
			if (!isxdigit((unsigned char)v[1]) || !isxdigit((unsigned char)v[2]))
				return -EINVAL;
			hi = (unsigned)(isdigit((unsigned char)v[1]) ? v[1] - '0' : (v[1] | 0x20) - 'a' + 10);
			lo = (unsigned)(isdigit((unsigned char)v[2]) ? v[2] - '0' : (v[2] | 0x20) - 'a' + 10);
			c = hi << 4 | lo;
			v += 2;
		}
		if (l + 1 >= n)
			return -EINVAL;
		out[l++] = (char)c;
	}
	out[l] = 0;
	return 0;
}

/* The options that change a run, as key=value words for the trace header. The driver
 * under test is always recorded (its default could change); the driver folder only when
 * given, because the default is the folder of the build that replays. */
const char *harness_opts_format(const struct harness_opts *o, char *buf, size_t n)
{
	size_t len;
	snprintf(buf, n, KEY_MAX_INSTRUCTIONS "=%llu " KEY_MAX_MEMORY "=%llu",
	         (unsigned long long)o->max_instructions, (unsigned long long)o->max_memory);
	len = strlen(buf);
	put_word(buf, n, &len, KEY_DRIVER, o->driver ? o->driver : HARNESS_DEFAULT_DRIVER);
	if (o->driver_dir)
		put_word(buf, n, &len, KEY_DRIVER_DIR, o->driver_dir);
	for (int i = 0; i < o->nparams; i++) {
		char key[sizeof(KEY_PARAM) + HARNESS_PARAM_NAME_MAX];
		snprintf(key, sizeof(key), KEY_PARAM "%s", o->param_name[i]);
		put_word(buf, n, &len, key, o->param_value[i]);
	}
	return buf;
}

/* Add or replace parameter "NAME=VALUE" (see harness.h). */
int harness_opts_param_add(struct harness_opts *o, const char *nv, char *err, size_t errlen)
{
	const char *eq = strchr(nv, '=');
	size_t nlen = eq ? (size_t)(eq - nv) : 0;
	int i;
	if (!eq || nlen == 0 || nlen > HARNESS_PARAM_NAME_MAX ||
	    !(isalpha((unsigned char)nv[0]) || nv[0] == '_')) {
		sim_errf(err, errlen, "-D wants NAME=VALUE with NAME a Lua identifier of at most %d "
		         "bytes, not \"%s\"", HARNESS_PARAM_NAME_MAX, nv);
		return -EINVAL;
	}
	for (size_t k = 0; k < nlen; k++)
		if (!isalnum((unsigned char)nv[k]) && nv[k] != '_') {
			sim_errf(err, errlen, "-D %s: the name is not a Lua identifier", nv);
			return -EINVAL;
		}
	if (strlen(eq + 1) > HARNESS_PARAM_VALUE_MAX) {
		sim_errf(err, errlen, "-D %.*s: the value is longer than %d bytes", (int)nlen, nv,
		         HARNESS_PARAM_VALUE_MAX);
		return -EINVAL;
	}
	for (i = 0; i < o->nparams; i++)
		if (strlen(o->param_name[i]) == nlen && !strncmp(o->param_name[i], nv, nlen))
			break;
	if (i == o->nparams) {
		if (o->nparams == HARNESS_PARAMS_MAX) {
			sim_errf(err, errlen, "-D %s: more than %d parameters", nv, HARNESS_PARAMS_MAX);
			return -EINVAL;
		}
		memcpy(o->param_name[i], nv, nlen);
		o->param_name[i][nlen] = 0;
		o->nparams++;
	}
	strcpy(o->param_value[i], eq + 1);
	return 0;
}

/* The value of parameter name, or NULL. */
const char *harness_opts_param(const struct harness_opts *o, const char *name)
{
	for (int i = 0; i < o->nparams; i++)
		if (!strcmp(o->param_name[i], name))
			return o->param_value[i];
	return NULL;
}

static int is_key(const char *word, const char *eq, const char *key)
{
	return (size_t)(eq - word) == strlen(key) && !strncmp(word, key, (size_t)(eq - word));
}

/* Apply one "key=value" word. */
static int opts_apply(const char *word, size_t len, struct harness_opts *o, char *err,
                      size_t errlen)
{
	char buf[3 * HARNESS_OPT_PATH_MAX + 32];
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
	if (is_key(buf, eq, KEY_DRIVER) || is_key(buf, eq, KEY_DRIVER_DIR)) {
		int drv = is_key(buf, eq, KEY_DRIVER);
		char *out = drv ? o->driver_buf : o->driver_dir_buf;
		if (get_value(eq + 1, out, sizeof(o->driver_buf)) || !out[0]) {
			sim_errf(err, errlen, "option %.*s: bad or empty value", (int)(eq - buf), buf);
			return -EINVAL;
		}
		if (drv)
			o->driver = out;
		else
			o->driver_dir = out;
		return 0;
	}
	if ((size_t)(eq - buf) > strlen(KEY_PARAM) && !strncmp(buf, KEY_PARAM, strlen(KEY_PARAM))) {
		char nv[HARNESS_PARAM_NAME_MAX + HARNESS_PARAM_VALUE_MAX + 8];
		char value[HARNESS_PARAM_VALUE_MAX + 1];
		if (get_value(eq + 1, value, sizeof(value))) {
			sim_errf(err, errlen, "option %.*s: bad value", (int)(eq - buf), buf);
			return -EINVAL;
		}
		snprintf(nv, sizeof(nv), "%.*s=%s", (int)(eq - buf - strlen(KEY_PARAM)),
		         buf + strlen(KEY_PARAM), value);
		return harness_opts_param_add(o, nv, err, errlen);
	}
	sim_errf(err, errlen,
	     "unknown option \"%s\" (this pktsim knows: " KEY_MAX_INSTRUCTIONS ", " KEY_MAX_MEMORY
	     ", " KEY_DRIVER ", " KEY_DRIVER_DIR ", " KEY_PARAM "NAME)", buf);
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

/* "<driver short name>-<8 hex digits of H(options)>": see harness.h. */
const char *harness_run_id(const struct harness_opts *o, const char *options, char *buf,
                           size_t n)
{
	const char *drv = o->driver ? o->driver : HARNESS_DEFAULT_DRIVER;
	const char *b = strrchr(drv, '/');
	size_t len;
	uint64_t h = sim_hash(SIM_HASH_INIT, options, strlen(options));
	b = b ? b + 1 : drv;
	if (!strncmp(b, "devnp-", 6))
		b += 6;
	len = strcspn(b, ".");
	if (len > 24)
		len = 24;
	snprintf(buf, n, "%.*s-%08" PRIx32, (int)len, b, (uint32_t)(h >> 32));
	for (char *p = buf; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			*p = '_';
	return buf;
}
