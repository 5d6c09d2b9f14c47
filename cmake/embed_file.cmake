# Turns one file into a C++ array definition: cmake -DIN= -DOUT= -DSYM= -P embed_file.cmake
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR size "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
file(WRITE ${OUT} "#include <cstddef>\nnamespace qiandao::embedded::detail {\n"
  "extern unsigned char const ${SYM}[];\nextern std::size_t const ${SYM}_size;\n"
  "unsigned char const ${SYM}[] = {\n${bytes}0x00};\n"
  "std::size_t const ${SYM}_size = ${size};\n}\n")
