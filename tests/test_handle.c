/*
 * handle.c's pure decisions: what a counting request asks of the
 * database (handle_plan), and what became of it (handle_outcome).
 */
#include "config.h"

#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "footfall.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

struct plan_case {
	int		 peek, ignored, bot, dnt;
	enum dnt_mode	 mode;
	enum plan	 want;
};

ParameterizedTestParameters(handle, plan)
{
	static struct plan_case t[] = {
		/* A read reads, whoever asks. */
		{ 1, 0, 0, 0, DNT_COUNT, PLAN_READ },
		{ 1, 1, 1, 1, DNT_SKIP, PLAN_READ },
		/* The owner's address: nothing at all, bot or not. */
		{ 0, 1, 0, 0, DNT_COUNT, PLAN_IGNORED },
		{ 0, 1, 1, 1, DNT_SKIP, PLAN_IGNORED },
		/* A bot is a bot, whatever it asks. */
		{ 0, 0, 1, 0, DNT_COUNT, PLAN_BOT },
		{ 0, 0, 1, 1, DNT_SKIP, PLAN_BOT },
		{ 0, 0, 1, 1, DNT_IGNORE, PLAN_BOT },
		/* Do not track, as dnt says. */
		{ 0, 0, 0, 1, DNT_COUNT, PLAN_UNTRACKED },
		{ 0, 0, 0, 1, DNT_SKIP, PLAN_SKIP },
		{ 0, 0, 0, 1, DNT_IGNORE, PLAN_TRACKED },
		/* Anyone else is hashed. */
		{ 0, 0, 0, 0, DNT_COUNT, PLAN_TRACKED },
		{ 0, 0, 0, 0, DNT_SKIP, PLAN_TRACKED },
	};

	return cr_make_param_array(struct plan_case, t, NELEM(t));
}

ParameterizedTest(struct plan_case *c, handle, plan)
{
	struct request	 req;

	memset(&req, 0, sizeof(req));
	req.ignored = c->ignored;
	req.bot = c->bot;
	req.dnt = c->dnt;
	cr_expect_eq(handle_plan(&req, c->peek, c->mode), c->want,
	    "peek %d ignored %d bot %d dnt %d mode %d: plan %d, want %d",
	    c->peek, c->ignored, c->bot, c->dnt, c->mode,
	    handle_plan(&req, c->peek, c->mode), c->want);
}

struct outcome_case {
	enum plan	 plan;
	int		 found, is_new, repeat;	/* what the database said */
	enum outcome	 want;
};

ParameterizedTestParameters(handle, outcome)
{
	static struct outcome_case t[] = {
		{ PLAN_READ, 1, -1, 0, OUTCOME_NONE },
		{ PLAN_READ, 0, -1, 0, OUTCOME_NONE },
		{ PLAN_TRACKED, 1, 1, 0, OUTCOME_NEW },
		{ PLAN_TRACKED, 1, 0, 0, OUTCOME_RETURNING },
		{ PLAN_TRACKED, 1, 0, 1, OUTCOME_REPEAT },
		{ PLAN_TRACKED, 0, 0, 0, OUTCOME_REFUSED },
		{ PLAN_UNTRACKED, 1, 0, 0, OUTCOME_UNTRACKED },
		{ PLAN_UNTRACKED, 0, 0, 0, OUTCOME_REFUSED_UNTRACKED },
		{ PLAN_SKIP, 1, -1, 0, OUTCOME_SKIPPED },
		{ PLAN_SKIP, 0, -1, 0, OUTCOME_REFUSED_UNTRACKED },
		/* A bot's or the owner's, for a counter or not. */
		{ PLAN_BOT, 1, 0, 0, OUTCOME_BOT },
		{ PLAN_BOT, 0, 0, 0, OUTCOME_BOT },
		{ PLAN_IGNORED, 1, -1, 0, OUTCOME_IGNORED },
		{ PLAN_IGNORED, 0, -1, 0, OUTCOME_IGNORED },
	};

	return cr_make_param_array(struct outcome_case, t, NELEM(t));
}

ParameterizedTest(struct outcome_case *c, handle, outcome)
{
	struct counts	 counts;

	memset(&counts, 0, sizeof(counts));
	counts.found = c->found;
	counts.is_new = c->is_new;
	counts.repeat = c->repeat;
	cr_expect_eq(handle_outcome(c->plan, &counts), c->want,
	    "plan %d found %d new %d repeat %d: outcome %d, want %d",
	    c->plan, c->found, c->is_new, c->repeat,
	    handle_outcome(c->plan, &counts), c->want);
}
