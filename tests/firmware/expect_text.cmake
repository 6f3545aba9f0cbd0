# Included by RunFirmware.cmake (CHECK): the console must contain EXPECT_TEXT.
string(FIND "${firmware_output}" "${EXPECT_TEXT}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "the console does not say '${EXPECT_TEXT}'")
endif()
