#include <pavilion/connector.h>
