/*
 * pgml_shim.c - the module: PostgreSQL's magic block and _PG_init. The PostgreSQL ABI side of pgml holds no
 * machine-learning logic; its files, one concern each, are listed in pgml_shim.h.
 *
 * _PG_init runs when a backend (or, with shared_preload_libraries, the postmaster) loads pgml.so. It must not start
 * the managed runtime: threads do not survive fork, so the engine is loaded at the first call (pgml_call.c).
 */
#include "pgml_shim.h"

#include <stdlib.h>

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	pgml_guard_init();
	pgml_inval_init();

	/*
	 * XGBoost's OpenMP threads must sleep, not spin, between parallel regions: a database server's cores belong to
	 * the other backends (spinning made training 25x slower on a loaded 2-core machine). Read by libgomp when
	 * libxgboost is first loaded, which happens later; a value set by the administrator wins.
	 */
	setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
}
