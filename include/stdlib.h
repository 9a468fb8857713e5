/*
 * include/stdlib.h — the C library's <stdlib.h>, with the heap calls of driver code
 * counted by pktsim: malloc, calloc, realloc and free are redirected to pktsim's, which
 * use the C library's heap and record every block with the code that allocated it (its
 * driver, function, thread and virtual time). That is how pktsim tells that a driver's
 * memory grows with each if_init or is left behind by a detach or a failed attach, and
 * how a scenario makes allocations fail (io:mem_fail). Memory the C library hands out
 * itself (strdup, asprintf) is still freed correctly by the redirected free.
 *
 * Define PKTSIM_NO_REDIRECT before including to get the C library's calls.
 */
#include_next <stdlib.h>

#if !defined(PKTSIM_STDLIB_H) && !defined(PKTSIM_NO_REDIRECT)
#define PKTSIM_STDLIB_H

void *pktsim_malloc(size_t size);
void *pktsim_calloc(size_t nmemb, size_t size);
void *pktsim_realloc(void *p, size_t size);
void pktsim_free(void *p);

#define malloc pktsim_malloc
#define calloc pktsim_calloc
#define realloc pktsim_realloc
#define free pktsim_free

#endif
