package dev.billingsync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class BillingSyncApplication {

    public static void main(String[] args) {
        SpringApplication.run(BillingSyncApplication.class, args);
    }
}
