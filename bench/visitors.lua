-- bench/run: a wrk script that gives each request its own visitor.
-- wrk connects from one address, so the address travels in the header
-- X-Bench-Addr, which bench/run's nginx passes as REMOTE_ADDR (a
-- benchmark-only override; the shipped snippets pass $remote_addr).
--
-- One visit in ten comes from a hot set of 200 addresses (returning
-- visitors, within footfall's window); the others from 10.0.0.0/12, a
-- pool of 2^20, so that most visits are new.
--
-- With BENCH_STOP_AFTER=N in the environment, each thread stops after
-- N responses and creates the file $BENCH_STOP_DIR/stopped.ID: the
-- memory run of bench/run, which then ends wrk (whose main thread
-- sleeps for the whole -d duration whatever its threads do).  wrk
-- looks for a response function once, before init(), so whether there
-- is one is decided here; wrk parses headers only when there is one.

local HOT_EVERY = 10
local HOT_SIZE = 200
local POOL_BITS = 20

local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("id", threads)
end

function init(args)
	-- Each thread its own sequence; id is set by setup().
	math.randomseed(os.time() * 1000 + (id or 0) * 7919)
end

local stop_after = tonumber(os.getenv("BENCH_STOP_AFTER") or "")
local stop_dir = os.getenv("BENCH_STOP_DIR")
if stop_after ~= nil then
	local seen = 0
	function response(status, headers, body)
		seen = seen + 1
		if seen == stop_after then
			wrk.thread:stop()
			if stop_dir ~= nil then
				local f = io.open(stop_dir .. "/stopped." ..
				    tostring(id), "w")
				if f ~= nil then f:close() end
			end
		end
	end
end

local floor, random = math.floor, math.random
-- With BENCH_SITE=1, each visit says it is the site's own (Sec-Fetch-
-- Site: same-origin, as footfall.js's fetch on the counter's origin):
-- its page is then made and counted (footfall(8), Pages).  Without it
-- no page is made, and footfall only looks the page up.
local headers_extra = os.getenv("BENCH_SITE") == "1"

function request()
	local a
	if random(HOT_EVERY) == 1 then
		a = "192.168.0." .. random(HOT_SIZE)
	else
		local n = random(0, 2 ^ POOL_BITS - 1)
		a = "10." .. floor(n / 65536) .. "." .. floor(n / 256) % 256 ..
		    "." .. n % 256
	end
	-- The page, as footfall.js sends it, for the visit log and the
	-- page's numbers (every row gets it, so that each does the same
	-- work in nginx).
	local path = wrk.path
	if not string.find(path, "?", 1, true) then
		path = path .. "?path=%2Fp" .. random(50)
	end
	if headers_extra then
		return wrk.format(nil, path, { ["X-Bench-Addr"] = a,
		    ["Sec-Fetch-Site"] = "same-origin" })
	end
	return wrk.format(nil, path, { ["X-Bench-Addr"] = a })
end
