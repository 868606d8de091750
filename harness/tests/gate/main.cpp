#define BOOST_TEST_MODULE gate
#include <boost/test/unit_test.hpp>
