#define BOOST_TEST_MODULE prompt
#include <boost/test/unit_test.hpp>
