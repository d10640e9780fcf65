/* splitmix64's output function: a bijective 64-bit mix (the initial noise, field checksums). */
#ifndef UPHILL_HASH_H
#define UPHILL_HASH_H
#include <stdint.h>

static inline uint64_t SplitMix64(uint64_t z)
{
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
#endif
