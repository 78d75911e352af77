/* dslcond.c — the policy DSL's condition constructors: equals(), between(), any_item(), …,
 * book 2's computed conditions (year_index_at_least(), no_award{}, …), the field and key specs
 * they take (coalesce(), threshold(), by()) and book { }. Each makes a plain table that
 * policy.c and policyx.c compile into C (cond.h). */
#include "dsl.h"

#include <string.h>


static const char *const cond_ops[] = {
    "equals", "one_of", "at_least", "at_most", "greater_than", "less_than", "between",
    "has_tag", "is_set", "is_true", "on_or_after", "on_or_before", "any_item", "all", "any",
    "not_", "year_index_at_least", "year_index_at_most", "lease_months_at_least",
    "within_months_after", "ratio_at_least", "months_every", "months_count", "months_minimum",
    "no_award", "installment_due", "stage_date_between", NULL};

const char *dsl_cond_op_name(int op) { return cond_ops[op]; }

int dsl_cond_op(const char *name)
{
    for (int i = 0; cond_ops[i]; i++)
        if (strcmp(cond_ops[i], name) == 0)
            return i;
    return -1;
}

/* Copies the options table (name, zh, en) at idx into the condition at the top. */
static void options(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE)
        return;
    lua_getfield(L, idx, "name");
    lua_setfield(L, -2, "name");
    lua_getfield(L, idx, "zh");
    lua_setfield(L, -2, "zh");
    lua_getfield(L, idx, "en");
    lua_setfield(L, -2, "en");
    lua_getfield(L, idx, "veto");
    lua_setfield(L, -2, "veto");
}

/* Copies arguments 1..n into the condition at the top under names[]; each must be given. */
static void set_args(lua_State *L, int nargs, int n, const char *const *names, const char *op)
{
    if (nargs < n)
        luaL_error(L, "%s() needs %d arguments, got %d", op, n, nargs);
    for (int i = 0; i < n; i++) {
        if (lua_isnil(L, i + 1))
            luaL_error(L, "%s(): argument %d (%s) is missing", op, i + 1, names[i]);
        lua_pushvalue(L, i + 1);
        lua_setfield(L, -2, names[i]);
    }
}

/* The field and key specs: a table of two named values, the first a field's name.
 * coalesce(a, b): the field a, or b when a is absent — where a condition takes a field;
 * threshold(field, { yuan… }): a ledger key, the highest of the amounts the field reaches;
 * by(field, { value = n, … }): a number that depends on an enum field of the item. */
static const struct spec {
    const char *first, *second;
    int second_type; /* LUA_TSTRING or LUA_TTABLE */
} specs[] = {{"coalesce", "coalesce2", LUA_TSTRING},
             {"threshold", "steps", LUA_TTABLE},
             {"by", "values", LUA_TTABLE}};

static int l_spec(lua_State *L)
{
    const struct spec *k = &specs[lua_tointeger(L, lua_upvalueindex(1))];
    luaL_checkstring(L, 1);
    if (k->second_type == LUA_TSTRING)
        luaL_checkstring(L, 2);
    else
        luaL_checktype(L, 2, LUA_TTABLE);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, 1);
    lua_setfield(L, -2, k->first);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, k->second);
    return 1;
}

/* book { id, title, policies = "prefix", conditions = { … } } (policies/books/). */
static int l_book(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushinteger(L, caller_line(L));
    lua_setfield(L, 1, "line");
    lua_pushboolean(L, 1);
    lua_setfield(L, 1, "is_book");
    lua_settop(L, 1);
    return 1;
}

static int l_cond(lua_State *L)
{
    int op = (int)lua_tointeger(L, lua_upvalueindex(1));
    int nargs = lua_gettop(L);
    lua_createtable(L, 0, 6);
    lua_pushstring(L, cond_ops[op]);
    lua_setfield(L, -2, "op");
    lua_pushinteger(L, caller_line(L));
    lua_setfield(L, -2, "line");
    switch (op) {
    case C_ALL:
    case C_ANY:
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "sub");
        options(L, 2);
        break;
    case C_NOT:
        luaL_checktype(L, 1, LUA_TTABLE);
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 1);
        lua_rawseti(L, -2, 1);
        lua_setfield(L, -2, "sub");
        options(L, 2);
        break;
    case C_ANY_ITEM:
        luaL_checkstring(L, 1);
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "field");
        lua_pushvalue(L, 2);
        lua_setfield(L, -2, "sub");
        options(L, 3);
        break;
    case C_IS_SET:
    case C_IS_TRUE:
        if (lua_type(L, 1) != LUA_TTABLE)
            luaL_checkstring(L, 1);
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "field");
        options(L, 2);
        break;
    case C_BETWEEN:
        if (lua_type(L, 1) != LUA_TTABLE) /* a field, or coalesce(a, b) */
            luaL_checkstring(L, 1);
        if (nargs < 3)
            return luaL_error(L, "between(field, from, to) needs both bounds");
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "field");
        lua_pushvalue(L, 2);
        lua_setfield(L, -2, "value");
        lua_pushvalue(L, 3);
        lua_setfield(L, -2, "value2");
        options(L, 4);
        break;
    case C_YEAR_INDEX_MIN:
    case C_YEAR_INDEX_MAX: /* (field, n) */
        set_args(L, nargs, 2, (const char *const[]){"field", "value"}, cond_ops[op]);
        options(L, 3);
        break;
    case C_LEASE_MONTHS:  /* (start, end, n, {within = m}) */
    case C_WITHIN_MONTHS: /* (field, base, months) */
    case C_RATIO:         /* (a, b, percent points) */
        set_args(L, nargs, 3, (const char *const[]){"field", "field2", "value"}, cond_ops[op]);
        options(L, 4);
        if (op == C_LEASE_MONTHS && lua_type(L, 4) == LUA_TTABLE) {
            lua_getfield(L, 4, "within");
            lua_setfield(L, -2, "within");
        }
        break;
    case C_MONTHS_EVERY:
    case C_MONTHS_MIN: /* (list, month field, value field, t) */
        set_args(L, nargs, 4, (const char *const[]){"field", "mfield", "vfield", "value"},
                 cond_ops[op]);
        options(L, 5);
        break;
    case C_MONTHS_COUNT: /* (list, month field, value field, t, c) */
        set_args(L, nargs, 5,
                 (const char *const[]){"field", "mfield", "vfield", "value", "value2"},
                 cond_ops[op]);
        options(L, 6);
        break;
    case C_STAGE_DATE: /* (stage field, dates object, from, to) */
        set_args(L, nargs, 4, (const char *const[]){"field", "field2", "value", "value2"},
                 cond_ops[op]);
        options(L, 5);
        break;
    case C_NO_AWARD:
    case C_INSTALLMENT: { /* ({ key = …, year = CLAIM_YEAR, n = … , name/zh/en }) */
        luaL_checktype(L, 1, LUA_TTABLE);
        static const char *const keys[] = {"key", "year", "n", NULL};
        for (int k = 0; keys[k]; k++) {
            lua_getfield(L, 1, keys[k]);
            lua_setfield(L, -2, keys[k]);
        }
        options(L, 1);
        break;
    }
    default:
        luaL_checkstring(L, 1);
        if (nargs < 2 || lua_isnil(L, 2))
            return luaL_error(L, "%s(field, value) needs a value", cond_ops[op]);
        lua_pushvalue(L, 1);
        lua_setfield(L, -2, "field");
        lua_pushvalue(L, 2);
        lua_setfield(L, -2, "value");
        options(L, 3);
    }
    return 1;
}


void dslcond_open(lua_State *L)
{
    for (int op = 0; cond_ops[op]; op++) {
        lua_pushinteger(L, op);
        lua_pushcclosure(L, l_cond, 1);
        lua_setfield(L, -2, cond_ops[op]);
    }
    for (size_t k = 0; k < sizeof specs / sizeof specs[0]; k++) {
        lua_pushinteger(L, (lua_Integer)k);
        lua_pushcclosure(L, l_spec, 1);
        lua_setfield(L, -2, specs[k].first);
    }
    lua_pushcfunction(L, l_book);
    lua_setfield(L, -2, "book");
}
