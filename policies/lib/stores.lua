-- Store qualification shared by the first-store policies (policy book §3 sc25-first-store,
-- §4 sc20-first-store). Every qualifying store was opened within the policy's own in-force
-- window and belongs to a recognised brand; each policy adds its own conditions.
local stores = {}

-- any_item over `stores`: the common conditions followed by the policy's own.
function stores.qualifying(own)
  local c = {
    is_true("brand_recognized", { zh = "国内外知名商业品牌",
                                  en = "a recognised domestic or international brand" }),
    between("opened", IN_FORCE_FROM, IN_FORCE_TO,
            { zh = "在政策有效期内开业", en = "opened while the policy is in force" }),
  }
  for _, x in ipairs(own) do
    c[#c + 1] = x
  end
  return any_item("stores", c, { name = "qualifying_store", zh = "至少一家符合条件的门店",
                                 en = "at least one qualifying store" })
end

-- The subsidy tier of a store's kind (a yuan table parameter keyed by store kind).
function stores.tier(store, tiers)
  local t = tiers[store.kind]
  if t == nil then
    error("no tier for store kind '" .. tostring(store.kind) .. "'")
  end
  return t
end

return stores
