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

# Exception tables: .ARM.extab / .ARM.exidx must be absent or empty.
execute_process(COMMAND ${OBJDUMP} -h ${ELF} OUTPUT_VARIABLE headers)
string(REPLACE "\n" ";" lines "${headers}")
foreach(line IN LISTS lines)
    if(line MATCHES "^ *[0-9]+ +(\\.ARM\\.ex[a-z]+) +([0-9a-fA-F]+) ")
        set(section ${CMAKE_MATCH_1})
        set(bytes ${CMAKE_MATCH_2})
        if(NOT bytes MATCHES "^0+$")
            list(APPEND found "section ${section} (0x${bytes} bytes)")
        endif()
    endif()
endforeach()

get_filename_component(name ${ELF} NAME)
if(found)
    list(REMOVE_DUPLICATES found)
    list(JOIN found ", " found)
    message(FATAL_ERROR "embedded rules violated in ${name}: ${found}")
endif()
message(STATUS "embedded rules: ${name} has no heap, exceptions, unwinder or RTTI")
