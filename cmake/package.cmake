# The venue laptop's package: `cpack -G DEB` in a build tree makes qiandao_<version>_amd64.deb
# (README "Install at a venue"). Its files live in deploy/; tests/package/ checks the result.

install(TARGETS qiandao RUNTIME DESTINATION bin)
# Debian 12's systemd reads packaged units from /lib/systemd/system.
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/qiandao.service
              ${PROJECT_SOURCE_DIR}/deploy/systemd/qiandao@.service
        DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/qiandao.conf DESTINATION /etc/qiandao)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/qiandao)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME qiandao)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "registration, door check-in and a live attendance board (签到)")
set(CPACK_PACKAGE_DESCRIPTION
    "One server for a health-system programme's events: staff register and import, the public\n"
    "signs up on phones, kiosks check people in (offline too), boards show attendance live.\n"
    "Every page is built into the binary; data in SQLite (/var/lib/qiandao) or PostgreSQL.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGE_CONTACT "Qiandao maintainers <qiandao@localhost>")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # qiandao_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries the binary links, found by dpkg-shlibdeps (dpkg-dev, with `file`); adduser
# for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
