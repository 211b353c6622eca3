/*
 * pgml_shim.c - the module: PostgreSQL's magic block and _PG_init. The PostgreSQL ABI side of pgml holds no
 * machine-learning logic; its files, one concern each, are listed in pgml_shim.h.
 *
 * _PG_init runs when a backend (or, with shared_preload_libraries, the postmaster) loads pgml.so. It must not start
 * the managed runtime: threads do not survive fork, so the engine is loaded at the first call (pgml_call.c).
 */
#include "pgml_shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * pgml.max_threads: the most threads one training may use (XGBoost's nthread, LightGBM's num_threads; pgml's own
 * algorithms are single-threaded). The engine reads it once per training with current_setting(). Its maximum is the
 * machine's online CPUs, fixed when pgml.so loads, so no setting can ask for more threads than there are cores.
 * PGC_SUSET: it is a resource limit of the server, not a preference of the session; an administrator sets
 * it (postgresql.conf, ALTER ROLE/DATABASE ... SET) and a role cannot raise it for itself. A role that wants fewer
 * threads passes nthread.
 */
static int	pgml_max_threads = 1;

/*
 * pgml.max_training_memory: the most memory (MB) one training's data may take in native matrices (its rows, the
 * preprocessed copy, cross-validation folds); past it the training fails with 54000 before it exhausts the machine.
 * The default is a quarter of the machine's memory. PGC_SUSET for the same reason as pgml.max_threads.
 */
static int	pgml_max_training_memory_mb = 1024;

/* a quarter of the machine's physical memory in MB, at least 64 */
static int
quarter_of_memory_mb(void)
{
	long		pages = sysconf(_SC_PHYS_PAGES);
	long		page_size = sysconf(_SC_PAGESIZE);
	double		mb = (pages > 0 && page_size > 0) ? (double) pages * page_size / 4 / (1024 * 1024) : 1024;

	return mb < 64 ? 64 : (mb > INT_MAX ? INT_MAX : (int) mb);
}

/* the machine's online CPUs, at least 1 (sysconf may fail, or say 0 in an odd container) */
static int
online_cpus(void)
{
	long		n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (n > INT_MAX ? INT_MAX : (int) n);
}

void
_PG_init(void)
{
	int			cpus = online_cpus();
	char		limit[16];

	pgml_guard_init();
	pgml_inval_init();

	DefineCustomIntVariable("pgml.max_threads",
							"The most threads one pgml training may use.",
							"XGBoost's nthread and LightGBM's num_threads default to it, and larger values are refused. "
							"At most the machine's online CPUs.",
							&pgml_max_threads,
							cpus, 1, cpus,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("pgml.max_training_memory",
							"The most memory the data of one pgml training may take.",
							"Its rows, the preprocessed copy and cross-validation folds, in native memory; a larger "
							"training fails with 54000 before it exhausts the machine. Default: a quarter of the RAM.",
							&pgml_max_training_memory_mb,
							quarter_of_memory_mb(), 16, INT_MAX,
							PGC_SUSET, GUC_UNIT_MB,
							NULL, NULL, NULL);

	/*
	 * XGBoost's OpenMP threads must sleep, not spin, between parallel regions: a database server's cores belong to
	 * the other backends (spinning made training 25x slower on a loaded 2-core machine). Read by libgomp when
	 * libxgboost is first loaded, which happens later; a value set by the administrator wins.
	 */
	setenv("OMP_WAIT_POLICY", "PASSIVE", 0);

	/*
	 * A backstop under pgml.max_threads: libgomp never runs a team larger than the online CPUs, whatever a library
	 * asks for (OMP_THREAD_LIMIT, read like OMP_WAIT_POLICY when libgomp loads). A value set by the administrator wins.
	 */
	snprintf(limit, sizeof(limit), "%d", cpus);
	setenv("OMP_THREAD_LIMIT", limit, 0);
}
