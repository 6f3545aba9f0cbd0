// Deliberately breaks every embedded rule (heap, operator new, exceptions, RTTI) so a test can
// show that the image check rejects it. Built with exceptions and RTTI on, and never run.
#include <cstdlib>
#include <typeinfo>

struct Base {
    virtual ~Base() = default;
};
struct Derived : Base {};

extern "C" int main() {
    void* block = std::malloc(16);
    Base* object = new Derived;
    int status = typeid(*object) == typeid(Derived) ? 0 : 1;
    try {
        if (block == nullptr) throw 1;
    } catch (int) {
        status = 2;
    }
    delete object;
    std::free(block);
    return status;
}
