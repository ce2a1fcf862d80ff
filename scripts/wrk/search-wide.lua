-- Many different searches, so few repeat within a run and the result memory helps little:
-- 16 words x pages 1-3 x 4 sorts x 3 formats = 576 addresses, cycled in order.
--   wrk -t2 -c16 -d10s -s scripts/wrk/search-wide.lua http://127.0.0.1:8080
-- (used by scripts/bench-http)

local words = {
  "pobreza", "poblacion", "municipio", "salud", "educacion", "inversion",
  "presupuesto", "agua", "desnutricion", "escuelas", "censo", "seguridad",
  "agricultura", "huehuetenango", "quetzaltenango", "porbeza",
}
local sorts = {
  "score+desc",
  "metadata_modified+desc",
  "title_string+asc",
  "views_recent+desc",
}
local formats = { "CSV", "XLSX", "JSON" }

local paths = {}
for _, w in ipairs(words) do
  for page = 1, 3 do
    for _, s in ipairs(sorts) do
      for _, f in ipairs(formats) do
        paths[#paths + 1] = string.format("/dataset?q=%s&res_format=%s&sort=%s&page=%d", w, f, s, page)
      end
    end
  end
end
assert(#paths == 576)

-- Each thread starts at its own place, so two threads do not ask the same thing together.
local threads = 0
local i = 0

setup = function(thread)
  thread:set("start", (threads * 289) % #paths)
  threads = threads + 1
end

init = function(args)
  i = tonumber(start) or 0
end

request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
