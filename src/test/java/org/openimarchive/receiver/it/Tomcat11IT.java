package org.openimarchive.receiver.it;

/** Tomcat 11 (Servlet 6.1). */
class Tomcat11IT extends TomcatIT {

    @Override
    String homeProperty() {
        return "tomcat11.home";
    }
}
