#ifndef PULLCHECK_CLIBYAML_SHIM_H
#define PULLCHECK_CLIBYAML_SHIM_H
#include <yaml.h>
#endif
