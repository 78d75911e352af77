# whatif.sh: reads a `calc sweep --format svg` chart; writes "policy x y cx cy" per data point
# (<circle class="pt">) to the file pts, and "policy kind x cx cy" per marker
# (<g class="marker" data-kind=…>) to the file mk. The policy is the enclosing
# <g class="series" data-policy=…>.
function attr(s, n) {
    if (match(s, " " n "=\"[^\"]*\""))
        return substr(s, RSTART + length(n) + 3, RLENGTH - length(n) - 4)
    return "?"
}
/<g class="series"/ { pol = attr($0, "data-policy") }
/<circle class="pt"/ { print pol, attr($0, "data-x"), attr($0, "data-y"), attr($0, "cx"), attr($0, "cy") > pts }
/<g class="marker"/ { print pol, attr($0, "data-kind"), attr($0, "data-x"), attr($0, "cx"), attr($0, "cy") > mk }
