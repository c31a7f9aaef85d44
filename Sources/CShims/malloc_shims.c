#include "CShims.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int cshims_limit_malloc_arenas(int arenas) {
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    return mallopt(M_ARENA_MAX, arenas);
#else
    (void)arenas;
    return 0;
#endif
}
