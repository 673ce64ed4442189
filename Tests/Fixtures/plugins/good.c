/* A well-behaved connector with a health probe. Build with
 * -DFX_MARKER_PATH="\"/path\"" to make loading it create that file (the
 * SHA-256-before-dlopen test), and -DFX_NAME/-DFX_VERSION to vary it. */
#ifndef FX_WITH_HEALTH
#define FX_WITH_HEALTH
#endif
#include "fixture.h"

#ifdef FX_MARKER_PATH
__attribute__((constructor)) static void fx_mark_loaded(void) {
    FILE *f = fopen(FX_MARKER_PATH, "w");
    if (f) fclose(f);
}
#endif
