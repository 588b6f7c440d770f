"""The n-body simulation, as nbody.aura (bodies as lists of fields)."""

import math

PI = 3.141592653589793
SOLAR_MASS = 4.0 * PI * PI
DAYS = 365.24
X, Y, Z, VX, VY, VZ, MASS = range(7)


def planets():
    return [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS],
        [
            4.84143144246472090e00,
            -1.16032004402742839e00,
            -1.03622044471123109e-01,
            1.66007664274403694e-03 * DAYS,
            7.69901118419740425e-03 * DAYS,
            -6.90460016972063023e-05 * DAYS,
            9.54791938424326609e-04 * SOLAR_MASS,
        ],
        [
            8.34336671824457987e00,
            4.12479856412430479e00,
            -4.03523417114321381e-01,
            -2.76742510726862411e-03 * DAYS,
            4.99852801234917238e-03 * DAYS,
            2.30417297573763929e-05 * DAYS,
            2.85885980666130812e-04 * SOLAR_MASS,
        ],
        [
            1.28943695621391310e01,
            -1.51111514016986312e01,
            -2.23307578892655734e-01,
            2.96460137564761618e-03 * DAYS,
            2.37847173959480950e-03 * DAYS,
            -2.96589568540237556e-05 * DAYS,
            4.36624404335156298e-05 * SOLAR_MASS,
        ],
        [
            1.53796971148509165e01,
            -2.59193146099879641e01,
            1.79258772950371181e-01,
            2.68067772490389322e-03 * DAYS,
            1.62824170038242295e-03 * DAYS,
            -9.51592254519715870e-05 * DAYS,
            5.15138902046611451e-05 * SOLAR_MASS,
        ],
    ]


def offset_momentum(bodies):
    px = py = pz = 0.0
    for b in bodies:
        px += b[VX] * b[MASS]
        py += b[VY] * b[MASS]
        pz += b[VZ] * b[MASS]
    bodies[0][VX] = -px / SOLAR_MASS
    bodies[0][VY] = -py / SOLAR_MASS
    bodies[0][VZ] = -pz / SOLAR_MASS


def energy(bodies):
    e = 0.0
    n = len(bodies)
    for i in range(n):
        b = bodies[i]
        e += 0.5 * b[MASS] * (b[VX] * b[VX] + b[VY] * b[VY] + b[VZ] * b[VZ])
        for j in range(i + 1, n):
            c = bodies[j]
            dx = b[X] - c[X]
            dy = b[Y] - c[Y]
            dz = b[Z] - c[Z]
            e -= b[MASS] * c[MASS] / math.sqrt(dx * dx + dy * dy + dz * dz)
    return e


def advance(bodies, dt):
    n = len(bodies)
    for i in range(n):
        for j in range(i + 1, n):
            dx = bodies[i][X] - bodies[j][X]
            dy = bodies[i][Y] - bodies[j][Y]
            dz = bodies[i][Z] - bodies[j][Z]
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * math.sqrt(d2))
            mj = bodies[j][MASS] * mag
            bodies[i][VX] -= dx * mj
            bodies[i][VY] -= dy * mj
            bodies[i][VZ] -= dz * mj
            mi = bodies[i][MASS] * mag
            bodies[j][VX] += dx * mi
            bodies[j][VY] += dy * mi
            bodies[j][VZ] += dz * mi
    for i in range(n):
        bodies[i][X] += dt * bodies[i][VX]
        bodies[i][Y] += dt * bodies[i][VY]
        bodies[i][Z] += dt * bodies[i][VZ]


def main(steps):
    bodies = planets()
    offset_momentum(bodies)
    print(energy(bodies))
    for _ in range(steps):
        advance(bodies, 0.01)
    print(energy(bodies))
