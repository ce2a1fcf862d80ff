-- The search page's traffic in 16 addresses, cycled in order by every connection:
-- words, folded accents, one-letter typos, a prefix, facets, sorts and a second page.
--   wrk -t2 -c16 -d10s -s scripts/wrk/search-mix.lua http://127.0.0.1:8080
-- (used by scripts/bench-http)

local paths = {
  "/dataset?q=pobreza",
  "/dataset?q=municipio",
  "/dataset?q=poblacion",                     -- población, without its accent
  "/dataset?q=porbeza",                       -- a typo of pobreza
  "/dataset?q=desnutricon",                   -- a typo of desnutrición
  "/dataset?q=pobla",                         -- a prefix
  "/dataset?q=inversion+huehuetenango",
  "/dataset?q=ejecucion+presupuestaria+2019",
  "/dataset?organization=segeplan",
  "/dataset?q=pobreza&groups=pobreza",
  "/dataset?res_format=CSV",
  "/dataset?q=salud&organization=mspas&res_format=CSV",
  "/dataset?q=educacion&sort=metadata_modified+desc",
  "/dataset?sort=title_string+asc",
  "/dataset?q=pobreza&page=2",
  "/dataset",
}

local i = 0

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
