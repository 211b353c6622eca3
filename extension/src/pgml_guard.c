/*
 * pgml_guard.c - the guard around every call C# makes into PostgreSQL, and the signal mask of managed calls.
 *
 * Owns: the pending error (a PostgreSQL error caught in a callback, re-thrown by pgml_call.c once managed code has
 * returned), the main-thread check (the backend's main thread, and the count of calls refused from other threads),
 * PostgreSQL's signal set and the mask saved while it is blocked, and the two callbacks that are about the backend
 * itself rather than data: interrupt checks and logging. GUARDED_BEGIN/END are in pgml_shim.h.
 *
 * Boundary rules (docs/architecture.md):
 *  - A PostgreSQL longjmp never crosses a managed frame: every callback runs its PostgreSQL code inside PG_TRY,
 *    copies the error, and returns -1; managed code unwinds and returns status 1; only then is the error re-thrown,
 *    unchanged (message, SQLSTATE, detail, context).
 *  - PostgreSQL's signals are blocked while the runtime starts and during calls that may create threads (training),
 *    so runtime, thread-pool and OpenMP threads inherit a mask where they are blocked; interrupt checks let them in
 *    on the main thread.
 */
#include "pgml_shim.h"

#include <pthread.h>
#include <signal.h>

#include "miscadmin.h"
#include "port/atomics.h"
#include "utils/memutils.h"

ErrorData  *pending_error = NULL;

static sigset_t pg_signals;
static sigset_t saved_mask;
static bool signals_blocked = false;

static pthread_t main_thread;
static bool main_thread_known = false;

/* set by a refused call on any thread, read and cleared by the main thread at the end of a call */
static pg_atomic_uint32 wrong_thread_calls;

/* The signals PostgreSQL handles on the backend's main thread; runtime threads must never run their handlers. */
void
pgml_guard_init(void)
{
	pg_atomic_init_u32(&wrong_thread_calls, 0);
	sigemptyset(&pg_signals);
	sigaddset(&pg_signals, SIGHUP);
	sigaddset(&pg_signals, SIGINT);
	sigaddset(&pg_signals, SIGTERM);
	sigaddset(&pg_signals, SIGQUIT);
	sigaddset(&pg_signals, SIGALRM);
	sigaddset(&pg_signals, SIGUSR1);
	sigaddset(&pg_signals, SIGUSR2);
	sigaddset(&pg_signals, SIGURG);
}

void
pgml_record_main_thread(void)
{
	main_thread = pthread_self();
	main_thread_known = true;
}

/* pthread_self reads a register: cheap enough for every callback, the interrupt check included. */
bool
pgml_on_main_thread(void)
{
	return main_thread_known && pthread_equal(pthread_self(), main_thread);
}

/* What a callback does off the main thread: note it (atomically, nothing else is safe there) and refuse. */
int32_t
pgml_refuse_wrong_thread(void)
{
	pg_atomic_fetch_add_u32(&wrong_thread_calls, 1);
	return PGML_CALLBACK_WRONG_THREAD;
}

/* Whether a call was refused since the last time; the main thread asks at the end of each call. */
bool
pgml_take_wrong_thread_calls(void)
{
	return pg_atomic_exchange_u32(&wrong_thread_calls, 0) != 0;
}

void
pgml_block_signals(void)
{
	if (!signals_blocked)
	{
		pthread_sigmask(SIG_BLOCK, &pg_signals, &saved_mask);
		signals_blocked = true;
	}
}

void
pgml_unblock_signals(void)
{
	if (signals_blocked)
	{
		pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
		signals_blocked = false;
	}
}

/* Opens the mask for a callback that runs SQL (LET_SIGNALS_IN); true when it was blocked and must be closed again. */
bool
pgml_let_signals_in(void)
{
	if (!signals_blocked)
		return false;
	pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
	return true;
}

/* Closes it again after the call, whether the SQL succeeded or raised an error. */
void
pgml_keep_signals_out(void)
{
	pthread_sigmask(SIG_BLOCK, &pg_signals, NULL);
}

/* Called in PG_CATCH: keep the first error, leave the error state clean, return to the caller's context. */
void
pgml_save_pending_error(MemoryContext callerContext)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(callerContext);
	edata = CopyErrorData();
	FlushErrorState();
	if (pending_error == NULL)
		pending_error = edata;
	else
		FreeErrorData(edata);
}

int32_t
cb_check_interrupts(void)
{
	if (!pgml_on_main_thread())
		return pgml_refuse_wrong_thread();	/* before the signal mask: that would be the other thread's */
	if (pending_error)
		return -1;
	if (signals_blocked)
	{
		/* let pending signals run their handlers now, on the backend's main thread */
		pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
		pthread_sigmask(SIG_BLOCK, &pg_signals, NULL);
	}
	if (!INTERRUPTS_PENDING_CONDITION())
		return 0;				/* the fast path: no setjmp */
	{
		GUARDED_BEGIN
			CHECK_FOR_INTERRUPTS();	/* ERROR longjmps to PG_CATCH; FATAL exits the process cleanly */
		GUARDED_END
	}
}

int32_t
cb_log(int32_t level, const char *message)
{
	static const int elevels[] = {DEBUG1, LOG, INFO, NOTICE, WARNING};
	int			elevel = elevels[(level >= 0 && level <= 4) ? level : 4];

	GUARDED_BEGIN
		ereport(elevel, (errmsg_internal("%s", message)));
	GUARDED_END
}
