# whatif.sh: given the points file of svg-points.awk ("policy x y cx cy") and then the SVG, prints
# one line per problem (nothing when all is well):
# - cx must be one linear function of x and cy one of y for every series (fitted on the extreme
#   points; the SVG rounds coordinates to 0.1 px, so 0.11 px of slack), cx rising with x and cy
#   falling as y rises (SVG's y axis points down), consecutive points of a series in that order;
# - the 6 y-grid labels (<line stroke="#ddd"> + text, "1000万" or "1,000.00") and the 6 x-tick
#   labels (<line stroke="#999"> + text) must sit where that scale puts their value.
function yuan(t) {
    gsub(/,/, "", t)
    if (t ~ /万$/) {
        sub(/万$/, "", t)
        return t * 10000
    }
    return t + 0
}
function off(d) { return d > 0.11 || d < -0.11 }
FNR == NR {
    n++; p[n] = $1; x[n] = $2 + 0; y[n] = $3 + 0; cx[n] = $4 + 0; cy[n] = $5 + 0
    if (n == 1 || x[n] < x[lo]) lo = n
    if (n == 1 || x[n] > x[hi]) hi = n
    if (n == 1 || y[n] < y[ylo]) ylo = n
    if (n == 1 || y[n] > y[yhi]) yhi = n
    next
}
/stroke="#ddd"/ && match($0, /y1="[0-9.]+"/) {
    gy[++ng] = substr($0, RSTART + 4, RLENGTH - 5) + 0
    t = $0; sub(/.*text-anchor="end">/, "", t); sub(/<.*/, "", t); gv[ng] = yuan(t)
}
/stroke="#999"/ && match($0, /x1="[0-9.]+"/) {
    tx[++nt] = substr($0, RSTART + 4, RLENGTH - 5) + 0
    t = $0; sub(/.*text-anchor="middle">/, "", t); sub(/<.*/, "", t); tv[nt] = yuan(t)
}
END {
    if (n < 2 || x[hi] == x[lo] || y[yhi] == y[ylo]) { print "too few points:", n; exit }
    sx = (cx[hi] - cx[lo]) / (x[hi] - x[lo])
    sy = (cy[yhi] - cy[ylo]) / (y[yhi] - y[ylo])
    if (sx <= 0 || sy >= 0) print "wrong direction: px per unit", sx, sy
    for (i = 1; i <= n; i++) {
        if (off(cx[i] - cx[lo] - sx * (x[i] - x[lo]))) { print "cx off the scale:", p[i], x[i], cx[i]; exit }
        if (off(cy[i] - cy[ylo] - sy * (y[i] - y[ylo]))) { print "cy off the scale:", p[i], x[i], y[i], cy[i]; exit }
        if (i > 1 && p[i] == p[i - 1] && (x[i] > x[i - 1]) != (cx[i] > cx[i - 1])) print "cx order:", p[i], x[i]
        if (i > 1 && p[i] == p[i - 1] && (y[i] > y[i - 1] && cy[i] > cy[i - 1] || y[i] == y[i - 1] && cy[i] != cy[i - 1]))
            print "cy order:", p[i], x[i]
    }
    for (k = 1; k <= ng; k++)
        if (off(gy[k] - cy[ylo] - sy * (gv[k] - y[ylo]))) print "y label off the scale:", gv[k], gy[k]
    for (k = 1; k <= nt; k++)
        if (off(tx[k] - cx[lo] - sx * (tv[k] - x[lo]))) print "x label off the scale:", tv[k], tx[k]
    if (ng != 6 || nt != 6) print "labels: expected 6 on each axis, got", ng, nt
}
