/*
 * pgml_call.c - loading the engine and the bracket around every call into it.
 *
 * Owns: pgml_engine.so's handle and exports, the callback table handed to it at load, the PgmlError it fills, and
 * begin_call/finish_call: what runs before managed code (load, reset the error state, block signals for calls that
 * may create threads) and after it (re-throw a pending PostgreSQL error, raise a pgml error, end SPI).
 *
 * pgml.so dlopen()s pgml_engine.so (C# compiled with NativeAOT) from $libdir at the first call that needs managed
 * code. Managed code never lets an exception escape: status 2 carries a pgml error that is raised here.
 */
#include "pgml_shim.h"

#include <dlfcn.h>

#include "miscadmin.h"
#include "portability/instr_time.h"

static pgml_cs_init_fn cs_init;
pgml_cs_invoke_fn cs_invoke;
pgml_cs_predict_fn cs_predict;
pgml_cs_vector_fn cs_vector;
static bool engine_loaded = false;

static PgmlCallbacks callbacks;
static PgmlError managed_error;

/* calls into the engine under way: 1 for a statement's call, 2 while SQL it runs calls pgml.predict */
static int	call_depth = 0;

/*
 * The role whose privileges the current call runs with (SET ROLE and SECURITY DEFINER functions change it between
 * calls): the engine's prediction cache serves a model only to a role it checked.
 */
static volatile uint32_t current_user_id = 0;

static void
load_engine(void)
{
	char		path[MAXPGPATH];
	void	   *handle;
	int32_t		rc;
	instr_time	t0,
				t1,
				t2;

	if (engine_loaded)
		return;
	INSTR_TIME_SET_CURRENT(t0);
	snprintf(path, sizeof(path), "%s/%s", pkglib_path, ENGINE_LIBRARY);
	handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (handle == NULL)
		ereport(ERROR,
				(errcode(PGML_ERRCODE_ENGINE_MISSING),
				 errmsg("pgml could not load its engine library \"%s\"", path),
				 errdetail("%s", dlerror()),
				 errhint("Reinstall pgml: \"make install\" puts %s next to pgml.so.", ENGINE_LIBRARY)));
	cs_init = (pgml_cs_init_fn) dlsym(handle, "pgml_cs_init");
	cs_invoke = (pgml_cs_invoke_fn) dlsym(handle, "pgml_cs_invoke");
	cs_predict = (pgml_cs_predict_fn) dlsym(handle, "pgml_cs_predict");
	cs_vector = (pgml_cs_vector_fn) dlsym(handle, "pgml_cs_vector");
	if (!cs_init || !cs_invoke || !cs_predict || !cs_vector)
		ereport(ERROR,
				(errcode(PGML_ERRCODE_ENGINE_MISMATCH),
				 errmsg("pgml engine library \"%s\" lacks its entry points", path),
				 errhint("pgml.so and %s come from different builds; reinstall both.", ENGINE_LIBRARY)));

	INSTR_TIME_SET_CURRENT(t1);
	callbacks.abi_version = PGML_ABI_VERSION;
	callbacks.size = (int32_t) sizeof(PgmlCallbacks);
	callbacks.error = &managed_error;
	callbacks.check_interrupts = cb_check_interrupts;
	callbacks.log = cb_log;
	callbacks.spi_execute = cb_spi_execute;
	callbacks.spi_value = cb_spi_value;
	callbacks.cursor_open = cb_cursor_open;
	callbacks.cursor_fetch = cb_cursor_fetch;
	callbacks.cursor_text = cb_cursor_text;
	callbacks.cursor_close = cb_cursor_close;
	callbacks.emit_row = cb_emit_row;
	callbacks.watch_deployments = cb_watch_deployments;
	callbacks.deploy_generation = &deploy_generation;
	callbacks.current_user = &current_user_id;

	/*
	 * The thread that loads the engine is the backend's main thread (fmgr calls come on no other); callbacks refuse
	 * every other. Recorded here rather than in _PG_init, which may run in the postmaster.
	 */
	pgml_record_main_thread();

	/* The runtime starts here and creates its threads: they must inherit a mask with our signals blocked. */
	pgml_block_signals();
	rc = cs_init(&callbacks);
	pgml_unblock_signals();
	INSTR_TIME_SET_CURRENT(t2);
	if (rc != 0)
		ereport(ERROR,
				(errcode(PGML_ERRCODE_ENGINE_MISMATCH),
				 errmsg("pgml engine failed to start: %s",
						managed_error.message[0] ? managed_error.message : "it reported no reason"),
				 errhint("pgml.so and %s come from different builds; reinstall both.", ENGINE_LIBRARY)));
	engine_loaded = true;
	INSTR_TIME_SUBTRACT(t2, t1);
	INSTR_TIME_SUBTRACT(t1, t0);
	elog(DEBUG1, "pgml engine started: dlopen %.3f ms, runtime start %.3f ms",
		 INSTR_TIME_GET_MILLISEC(t1), INSTR_TIME_GET_MILLISEC(t2));
}

PgmlCallFrame
pgml_begin_call(const char *function, bool may_create_threads, bool may_nest)
{
	PgmlCallFrame frame = {false, {false, NULL}};

	load_engine();
	current_user_id = (uint32_t) GetUserId();
	if (call_depth > 0)
	{
		if (!may_nest)
			ereport(ERROR,
					(errcode(PGML_ERRCODE_NESTED_CALL),
					 errmsg("pgml.%s cannot run inside SQL that another pgml call is running", function),
					 errdetail("A view or function that pgml reads (for training, a snapshot) calls pgml.%s.", function),
					 errhint("Call pgml.%s in a statement of its own; predictions (pgml.predict and the like) may be used in such a view.", function)));
		/* pending_error is NULL here: the outer call's callback checked it before running the SQL */
		frame.nested = true;
		frame.outer_spi = pgml_spi_suspend();
		call_depth++;
		return frame;
	}
	call_depth++;
	pending_error = NULL;
	managed_error.sqlstate[0] = '\0';
	managed_error.message[0] = '\0';
	managed_error.detail[0] = '\0';
	managed_error.hint[0] = '\0';
	pgml_take_wrong_thread_calls();	/* a call refused between statements belongs to none */
	if (may_create_threads)
		pgml_block_signals();
	return frame;
}

/*
 * Whether the engine's SQLSTATE may reach the client as is: five characters of [0-9A-Z], and not a class on which
 * Npgsql closes the connection (XX, 53, 58) nor F0 (configuration file error). The engine's own table never holds
 * those (tests check it); this keeps a slip from costing the client its connection.
 */
static bool
pgml_sqlstate_is_safe(const char *s)
{
	static const char *const critical_classes[] = {"XX", "53", "58", "F0"};

	if (strlen(s) != 5)
		return false;
	for (int i = 0; i < 5; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
			return false;
	for (int i = 0; i < (int) lengthof(critical_classes); i++)
		if (strncmp(s, critical_classes[i], 2) == 0)
			return false;
	return true;
}

/* After managed code returned: re-throw a caught PostgreSQL error or raise the pgml error. */
/* Ends the call's own SPI level and, for a nested call, gives the outer call its state back. */
static void
end_call(const PgmlCallFrame *frame, bool failed)
{
	pgml_spi_end(failed);
	if (frame->nested)
		pgml_spi_resume(frame->outer_spi);
}

void
pgml_finish_call(int32_t rc, const PgmlCallFrame *frame)
{
	bool		wrong_thread = pgml_take_wrong_thread_calls();

	call_depth--;
	if (!frame->nested)
		pgml_unblock_signals();	/* a nested call leaves the outer call's mask as it is */
	if (pending_error)
	{
		ErrorData  *edata = pending_error;

		pending_error = NULL;
		end_call(frame, true);
		ReThrowError(edata);
	}
	if (rc == 2)
	{
		const char *s = managed_error.sqlstate;

		end_call(frame, true);
		if (!pgml_sqlstate_is_safe(s))
			s = PGML_SQLSTATE_FALLBACK;	/* never a class on which clients drop the connection */
		ereport(ERROR,
				(errcode(MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4])),
				 errmsg_internal("%s", managed_error.message),
				 managed_error.detail[0] ? errdetail_internal("%s", managed_error.detail) : 0,
				 managed_error.hint[0] ? errhint("%s", managed_error.hint) : 0));
	}
	if (wrong_thread)
	{
		/* the engine called PostgreSQL from another thread and went on as if nothing happened: fail the call */
		end_call(frame, true);
		ereport(ERROR,
				(errcode(PGML_ERRCODE_WRONG_THREAD),
				 errmsg(PGML_WRONG_THREAD_MESSAGE),
				 errdetail("The call was refused without touching PostgreSQL; the backend is unharmed."),
				 errhint(PGML_HINT_BUG)));
	}
	if (rc != 0)
	{
		end_call(frame, true);
		pgml_internal_error("pgml: engine returned unexpected status %d", rc);
	}
	end_call(frame, false);
}
