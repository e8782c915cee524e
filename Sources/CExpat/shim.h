#ifndef INSTANCE_WATCH_CEXPAT_SHIM_H
#define INSTANCE_WATCH_CEXPAT_SHIM_H

#include <expat.h>

#endif
