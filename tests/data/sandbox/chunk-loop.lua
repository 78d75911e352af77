-- An endless loop at chunk level, while the file loads.
while true do end
return lib.t.cash("chunk-loop", function(e, p) return 1 end)
