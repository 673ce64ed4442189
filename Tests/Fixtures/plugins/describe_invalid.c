/* describe returns truncated JSON. */
#define FX_DESCRIPTION "{\"name\":\"fixture\",\"version\":"
#include "fixture.h"
