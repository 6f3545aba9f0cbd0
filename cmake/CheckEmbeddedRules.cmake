# cmake -DNM=<nm> -DOBJDUMP=<objdump> -DELF=<image> -P CheckEmbeddedRules.cmake
# Fails when the linked image contains what bare-metal firmware here must not: heap
# allocation (malloc family, sbrk, operator new/delete), C++ exception support (throw,
# personality routines, the unwinder, non-empty exception tables) or RTTI (typeinfo).

execute_process(COMMAND ${NM} ${ELF} OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "embedded rules: cannot list symbols of ${ELF}")
endif()

# Mangled prefixes: _Znw/_Zna operator new, _Zdl/_Zda operator delete, _ZTI/_ZTS typeinfo.
set(forbidden
    "malloc|calloc|realloc|free|memalign|aligned_alloc|posix_memalign|valloc|pvalloc"
    "_malloc_r|_calloc_r|_realloc_r|_free_r|_memalign_r|_sbrk|_sbrk_r|sbrk|__malloc_lock"
    "_Znw.*|_Zna.*|_Zdl.*|_Zda.*"
    "__cxa_throw|__cxa_allocate_exception|__cxa_begin_catch|__cxa_end_catch|__cxa_rethrow"
    "__gxx_personality_v0|__aeabi_unwind_cpp_pr[0-2]|_Unwind_.*|__gnu_unwind_.*|__cxa_end_cleanup"
    "_ZTI.*|_ZTS.*|_ZTVN10__cxxabiv1.*")
list(JOIN forbidden "|" pattern)

set(found)
string(REPLACE "\n" ";" lines "${symbols}")
foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] (.+)$")
        set(name ${CMAKE_MATCH_1})
        if(name MATCHES "^(${pattern})$")
            list(APPEND found ${name})
        endif()
    endif()
endforeach()

# Exception tables: .ARM.extab must be absent or empty, and every .ARM.exidx entry must be
# EXIDX_CANTUNWIND (second word 0x1): libgcc's helpers (64-bit division) carry such markers,
# which say "no unwind information here" and need no unwinder.
execute_process(COMMAND ${OBJDUMP} -h ${ELF} OUTPUT_VARIABLE headers)
string(REPLACE "\n" ";" lines "${headers}")
foreach(line IN LISTS lines)
    if(line MATCHES "^ *[0-9]+ +\\.ARM\\.extab +([0-9a-fA-F]+) ")
        set(bytes ${CMAKE_MATCH_1})
        if(NOT bytes MATCHES "^0+$")
            list(APPEND found "section .ARM.extab (0x${bytes} bytes)")
        endif()
    endif()
endforeach()
execute_process(COMMAND ${OBJDUMP} -s -j .ARM.exidx ${ELF} OUTPUT_VARIABLE dump ERROR_QUIET)
set(words)
string(REPLACE "\n" ";" lines "${dump}")
foreach(line IN LISTS lines)
    # " <address> <four 8-digit words, 35 columns>  <ascii>": read only the word columns.
    if(line MATCHES "^ [0-9a-f]+ (.*)$")
        string(SUBSTRING "${CMAKE_MATCH_1}" 0 35 columns)
        string(REGEX MATCHALL "[0-9a-f]+" line_words "${columns}")
        list(APPEND words ${line_words})
    endif()
endforeach()
list(LENGTH words count)
set(index 1)
while(index LESS count)
    list(GET words ${index} word)
    if(NOT word STREQUAL "01000000")  # little-endian 0x00000001
        list(APPEND found "section .ARM.exidx (unwind entries, not only EXIDX_CANTUNWIND)")
        break()
    endif()
    math(EXPR index "${index} + 2")
endwhile()

get_filename_component(name ${ELF} NAME)
if(found)
    list(REMOVE_DUPLICATES found)
    list(JOIN found ", " found)
    message(FATAL_ERROR "embedded rules violated in ${name}: ${found}")
endif()
message(STATUS "embedded rules: ${name} has no heap, exceptions, unwinder or RTTI")
