// cxxexcept: C++ exceptions through the unwinder (DWARF CFI, personality routines, the LSDA), RAII
// destructors during unwinding, nested try/catch with rethrow, exceptions across std::function and
// std::sort comparators, std::bad_alloc from a huge new, and an uncaught exception ending in std::terminate
// (abort: SIGABRT) when run as "cxxexcept uncaught". Exits 0 after printing what was caught.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace
{
int live = 0;

struct Tracked
{
    std::string name;
    explicit Tracked(std::string n) : name(std::move(n))
    {
        live++;
    }
    Tracked(const Tracked &other) : name(other.name + "'")
    {
        live++;
    }
    ~Tracked()
    {
        live--;
        std::printf("  ~Tracked(%s)\n", name.c_str());
    }
};

struct CustomError : std::runtime_error
{
    int code;
    CustomError(const std::string &what, int c) : std::runtime_error(what), code(c)
    {
    }
};

void level3(int n)
{
    Tracked t("level3");
    if (n % 3 == 0)
    {
        throw CustomError("divisible by three: " + std::to_string(n), n);
    }
    if (n % 3 == 1)
    {
        throw std::out_of_range("out of range " + std::to_string(n));
    }
    throw n;
}

void level2(int n)
{
    Tracked t("level2");
    std::vector<Tracked> many;
    many.emplace_back("vec-a");
    many.emplace_back("vec-b");
    try
    {
        level3(n);
    }
    catch (const std::out_of_range &)
    {
        std::printf("  level2 caught out_of_range, rethrowing\n");
        throw;
    }
}

double divide(double a, double b)
{
    if (b == 0.0)
    {
        throw std::domain_error("division by zero");
    }
    return a / b;
}
} // namespace

int main(int argc, char **argv)
{
    if (argc > 1 && std::strcmp(argv[1], "uncaught") == 0)
    {
        std::printf("throwing without a handler\n");
        std::fflush(stdout);
        throw std::logic_error("nobody catches this");
    }
    for (int n = 0; n < 3; n++)
    {
        try
        {
            level2(n);
        }
        catch (const CustomError &e)
        {
            std::printf("caught CustomError '%s' code %d\n", e.what(), e.code);
        }
        catch (const std::exception &e)
        {
            std::printf("caught std::exception '%s'\n", e.what());
        }
        catch (int v)
        {
            std::printf("caught int %d\n", v);
        }
        std::printf("live objects after %d: %d\n", n, live);
    }
    std::function<double(double)> f = [](double x) { return divide(1.0, x); };
    for (double x : {2.0, 0.0})
    {
        try
        {
            std::printf("1/%g = %g\n", x, f(x));
        }
        catch (const std::domain_error &e)
        {
            std::printf("std::function threw: %s\n", e.what());
        }
    }
    std::vector<int> v;
    for (int i = 0; i < 200; i++)
    {
        v.push_back((i * 7919) % 211);
    }
    try
    {
        std::sort(v.begin(), v.end(), [](int a, int b) {
            if (a == 13 && b == 14)
            {
                throw std::runtime_error("thirteen compared with fourteen");
            }
            return a < b;
        });
        std::printf("sorted without throwing: first %d last %d\n", v.front(), v.back());
    }
    catch (const std::runtime_error &e)
    {
        std::printf("comparator threw: %s\n", e.what());
    }
    try
    {
        std::vector<char> huge(static_cast<size_t>(1) << 62);
        std::printf("huge allocation succeeded?\n");
    }
    catch (const std::bad_alloc &e)
    {
        std::printf("bad_alloc caught\n");
    }
    catch (const std::length_error &e)
    {
        std::printf("length_error caught\n");
    }
    std::map<std::string, int> m{{"one", 1}, {"two", 2}};
    try
    {
        std::printf("at(two) = %d\n", m.at("two"));
        std::printf("at(three) = %d\n", m.at("three"));
    }
    catch (const std::out_of_range &)
    {
        std::printf("map::at threw out_of_range\n");
    }
    try
    {
        auto p = std::make_unique<Tracked>("unique");
        throw std::make_pair(1, 2.5);
    }
    catch (std::pair<int, double> pr)
    {
        std::printf("caught pair %d %g, live %d\n", pr.first, pr.second, live);
    }
    return 0;
}
