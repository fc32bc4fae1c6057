package org.openimarchive.receiver.it;

/** Tomcat 10.1 (Servlet 6.0). */
class Tomcat10IT extends TomcatIT {

    @Override
    String homeProperty() {
        return "tomcat10.home";
    }
}
