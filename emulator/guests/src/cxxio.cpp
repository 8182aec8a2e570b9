// cxxio: C++ standard library I/O in one thread: iostreams with formatting manipulators (with and without
// sync_with_stdio), string streams, fstream write and read back, <random> with a fixed seed, <map> and
// <algorithm>. Its static initialisation finishes a std::call_once with futex(FUTEX_WAKE_PRIVATE), so it also
// checks that a single-threaded guest's futex wake succeeds. "cxxio sync" keeps stdio synchronised. Exits 0.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    std::ios::sync_with_stdio(argc > 1);
    std::mt19937_64 rng(42);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> v(1000);
    for (auto &x : v)
    {
        x = normal(rng);
    }
    std::sort(v.begin(), v.end());
    std::cout << std::setprecision(17) << v.front() << " " << v.back() << " "
              << std::accumulate(v.begin(), v.end(), 0.0) << "\n";
    std::ostringstream formatted;
    formatted << std::hex << 255 << " " << std::scientific << 1e-5 << " " << std::fixed << M_PI;
    std::cout << formatted.str() << std::endl;
    std::map<std::string, int> counts;
    std::istringstream words("a b c a b a");
    std::string word;
    while (words >> word)
    {
        counts[word]++;
    }
    for (const auto &entry : counts)
    {
        std::cout << entry.first << "=" << entry.second << " ";
    }
    std::cout << "\n";
    {
        std::ofstream out("cxxio.tmp");
        out << "line1\nline2\n" << 3.5 << "\n";
    }
    {
        std::ifstream in("cxxio.tmp");
        std::string line;
        int n = 0;
        while (std::getline(in, line))
        {
            std::cout << ++n << ":" << line << "\n";
        }
    }
    std::remove("cxxio.tmp");
    std::cerr << "to stderr\n";
    double d = 0;
    std::istringstream("  -1.25e3xyz") >> d;
    std::cout << d << "\n";
    return 0;
}
