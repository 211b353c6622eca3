/*
 * pgml_inval.c - cache invalidation: how a backend learns that its cached models are stale.
 *
 * Owns: the deploy generation (a counter the managed prediction cache reads through the callback table and compares
 * with the one it loaded under), pgml.deployments' OID as last resolved, the relcache callback that bumps the
 * counter, the watch_deployments callback, and the statement trigger on pgml's catalog tables that sends the
 * invalidation (pgml._catalog_changed).
 */
#include "pgml_shim.h"

#include "catalog/namespace.h"
#include "commands/trigger.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

volatile uint64_t deploy_generation = 1;
static Oid	deployments_relid = InvalidOid;

static void
resolve_deployments_relid(void)
{
	Oid			nsp = get_namespace_oid("pgml", true);

	deployments_relid = OidIsValid(nsp) ? get_relname_relid("deployments", nsp) : InvalidOid;
}

int32_t
cb_watch_deployments(void)
{
	GUARDED_BEGIN
		resolve_deployments_relid();
	GUARDED_END
}

/*
 * Relcache invalidations travel with the commit (and are replayed on standbys); a rolled-back transaction sends
 * none. Until pgml.deployments is resolved, any invalidation may concern it, so every one counts.
 */
static void
relcache_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || !OidIsValid(deployments_relid) || relid == deployments_relid)
	{
		deploy_generation++;
		if (relid == deployments_relid)
			deployments_relid = InvalidOid; /* re-resolved at the next cache miss (the table may be recreated) */
	}
}

void
pgml_inval_init(void)
{
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
}

/*
 * Statement trigger on pgml's catalog tables: any change invalidates every backend's prediction cache at commit.
 * The message is always about pgml.deployments, the one relation the caches watch.
 */
PG_FUNCTION_INFO_V1(pgml_catalog_changed);
Datum
pgml_catalog_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Oid			deployments;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(PGML_ERRCODE_NOT_TRIGGER),
				 errmsg("pgml_catalog_changed must be called as a trigger"),
				 errhint("pgml._catalog_changed() is the statement trigger on pgml's catalog tables; it has nothing to do when called directly.")));
	deployments = get_relname_relid("deployments", RelationGetNamespace(trigdata->tg_relation));
	CacheInvalidateRelcacheByRelid(OidIsValid(deployments) ? deployments : RelationGetRelid(trigdata->tg_relation));
	return PointerGetDatum(NULL);
}
