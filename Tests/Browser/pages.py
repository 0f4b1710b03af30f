"""CallDesk's pages in headless Chromium (Debian's chromium and chromium-driver, selenium from PyPI).

Driven by PagesBrowserTests.swift, which runs the daemon against the simulated PBX and places calls
when this script says it is ready (a file named after the step in STEPS_DIR). Screenshots go to
SHOTS_DIR. Every check that fails raises, and the script exits non-zero with what it saw.
"""
import os
import pathlib
import sys
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["BASE"]
STEPS = pathlib.Path(os.environ["STEPS_DIR"])
SHOTS = pathlib.Path(os.environ["SHOTS_DIR"])


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},{height}", "--lang=zh-CN"):
        options.add_argument(argument)
    return webdriver.Chrome(service=webdriver.ChromeService(executable_path="/usr/bin/chromedriver"), options=options)


def step(name):
    (STEPS / name).touch()
    print("STEP", name, flush=True)


def wait_for(driver, what, condition, timeout=20):
    try:
        # The live pages redraw as messages come: an element read a moment ago may be gone; read again.
        return WebDriverWait(driver, timeout, poll_frequency=0.1,
                             ignored_exceptions=[NoSuchElementException, StaleElementReferenceException]).until(lambda d: condition(d))
    except Exception:
        driver.save_screenshot(str(SHOTS / f"failed-{what.replace(' ', '-')}.png"))
        raise AssertionError(f"{what}: not seen within {timeout} s; the page says: {driver.find_element(By.TAG_NAME, 'body').text[:1500]}")


def wait_step(name, timeout=60):
    """Waits for the test to say it has done its part (a file in STEPS_DIR)."""
    deadline = time.time() + timeout
    while not (STEPS / name).exists():
        if time.time() > deadline:
            raise AssertionError(f"the test never said {name}")
        time.sleep(0.1)


def text(driver, selector):
    # The live pages redraw every second: an element found a moment ago may be replaced; read again.
    for _ in range(5):
        try:
            found = driver.find_elements(By.CSS_SELECTOR, selector)
            return found[0].text if found else ""
        except StaleElementReferenceException:
            time.sleep(0.05)
    return ""


def click(driver, selector):
    # As `text`: the element may be redrawn between finding and clicking it; find it again.
    for attempt in range(5):
        try:
            return driver.find_element(By.CSS_SELECTOR, selector).click()
        except StaleElementReferenceException:
            if attempt == 4:
                raise
            time.sleep(0.05)


def sign_in(driver, name, password):
    driver.get(BASE + "/")
    wait_for(driver, "the login form", lambda d: d.find_elements(By.ID, "name"))
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password, Keys.ENTER)


def agent_console():
    driver = browser(1366, 900)
    try:
        sign_in(driver, os.environ["AGENT"], "wrong-password")
        wait_for(driver, "a wrong password refused", lambda d: text(d, "#error") == "用户名或密码错误")
        driver.find_element(By.ID, "password").clear()
        driver.find_element(By.ID, "name").clear()
        sign_in(driver, os.environ["AGENT"], os.environ["PASSWORD"])
        wait_for(driver, "the console", lambda d: d.current_url.endswith("/console") and text(d, "#who") == os.environ["AGENT"])
        wait_for(driver, "the agent's state", lambda d: text(d, "#state") == "空闲")
        wait_for(driver, "today's task", lambda d: os.environ["CUSTOMER"] in text(d, "#tasks"))
        assert not driver.execute_script("return document.cookie"), "the session cookie must not be readable by scripts"
        driver.save_screenshot(str(SHOTS / "console-idle.png"))
        step("console-ready")
        wait_for(driver, "the screen-pop", lambda d: text(d, "[data-testid=pop-name]").startswith(os.environ["CUSTOMER"]))
        driver.save_screenshot(str(SHOTS / "console-ringing.png"))
        wait_for(driver, "the call timer", lambda d: d.find_elements(By.ID, "timer"))
        driver.save_screenshot(str(SHOTS / "console-answered.png"))
        wait_for(driver, "the result form after the call", lambda d: d.find_element(By.ID, "result").is_displayed())
        # From the keyboard alone: the outcome has focus; choose, tab on, grade, follow-up date, note, Ctrl+Enter.
        focused = driver.switch_to.active_element
        assert focused.get_attribute("id") == "outcome", f"the outcome should have focus, not {focused.get_attribute('id')}"
        focused.send_keys(Keys.ARROW_DOWN)
        focused.send_keys(Keys.TAB)
        driver.switch_to.active_element.send_keys("A", Keys.TAB)
        follow_up = os.environ["FOLLOW_UP"]  # YYYY-MM-DD
        driver.switch_to.active_element.send_keys(follow_up, Keys.TAB)
        driver.switch_to.active_element.send_keys("试驾满意，下周提车")
        driver.switch_to.active_element.send_keys(Keys.CONTROL, Keys.ENTER)
        wait_for(driver, "the result saved", lambda d: text(d, "#result-status") == "已保存")
        driver.save_screenshot(str(SHOTS / "console-saved.png"))
        wait_for(driver, "the task gone from today's list", lambda d: os.environ["CUSTOMER"] not in text(d, "#tasks"))
        # Her own calls, newest first: this one's file never reached the recordings directory, and the page says so.
        wait_for(driver, "her two calls", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#calls [data-testid=play]")) == 2)
        click(driver, "#calls [data-testid=play]")
        wait_for(driver, "the missing recording explained", lambda d: "录音文件不在录音目录中" in text(d, "[data-testid=player-error]"))
        driver.save_screenshot(str(SHOTS / "console-recording-missing.png"))
        # A call task is not ticked off: she asks to cancel the other one; her supervisor refuses on the wallboard; she is told live.
        row = wait_for(driver, "the second customer's task", lambda d: next((li for li in d.find_elements(By.CSS_SELECTOR, "#tasks li")
                                                                              if os.environ["SECOND_CUSTOMER"] in li.text), None))
        row.find_element(By.CSS_SELECTOR, "[data-testid=cancel-ask]").click()
        driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
        row.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait_for(driver, "the request sent", lambda d: text(d, "[data-testid=cancel-status]") == "已提交，待主管审批")
        supervisor = browser(1920, 1080)
        try:
            sign_in(supervisor, os.environ["SUPERVISOR"], os.environ["PASSWORD"])
            wait_for(supervisor, "the request on the wallboard", lambda d: "客户要求勿扰" in text(d, "#approvals")
                     and os.environ["AGENT"] in text(d, "#approvals"))
            wait_for(supervisor, "the supervisor told", lambda d: text(d, "#bell") != "通知 0")
            supervisor.save_screenshot(str(SHOTS / "wallboard-approvals.png"))
            click(supervisor, "#approvals [data-testid=reject]")
            wait_for(supervisor, "the request gone", lambda d: "客户要求勿扰" not in text(d, "#approvals"))
        finally:
            supervisor.quit()
        wait_for(driver, "her notification", lambda d: text(d, "#bell") == "通知 1")
        click(driver, "#bell")
        wait_for(driver, "the refusal in her notifications", lambda d: "被驳回" in text(d, "#notices"))
        assert os.environ["SECOND_CUSTOMER"] in text(driver, "#tasks"), "a refused cancel leaves the task due"
        driver.save_screenshot(str(SHOTS / "console-notice.png"))
        click(driver, "#bell")
        step("console-done")
        # English at the user's choice.
        click(driver, "#lang")
        wait_for(driver, "the page in English", lambda d: text(d, "h1") == "Agent console" and "No call" in text(d, "#pop")
                 and text(d, "#state") == "Available")
        driver.save_screenshot(str(SHOTS / "console-english.png"))
        click(driver, "#lang")
    finally:
        driver.quit()


def other_agent():
    driver = browser(1366, 900)
    try:
        sign_in(driver, os.environ["OTHER_AGENT"], os.environ["PASSWORD"])
        wait_for(driver, "the other agent's console", lambda d: text(d, "#who") == os.environ["OTHER_AGENT"])
        search = driver.find_element(By.ID, "search")
        search.send_keys(os.environ["CUSTOMER"])
        time.sleep(1.2)
        assert os.environ["CUSTOMER"] not in text(driver, "#found"), "another agent's customer must not be found"
        status = driver.execute_script(
            "return fetch('/v1/customers/' + arguments[0], {credentials: 'same-origin'}).then(r => r.status)", os.environ["CUSTOMER_ID"])
        assert status == 404, f"another agent's customer answered {status}"
        written = driver.execute_script(
            "return fetch('/v1/customers/' + arguments[0] + '/interactions', {method: 'POST', credentials: 'same-origin',"
            " headers: {'Content-Type': 'application/json'}, body: JSON.stringify({kind: 'note', note: 'x'})}).then(r => r.status)",
            os.environ["CUSTOMER_ID"])
        assert written == 403, f"a write without the page's CSRF header answered {written}"
        driver.save_screenshot(str(SHOTS / "console-other-agent.png"))
        # The team's pool (公海): he claims the waiting customer, who then is his to find.
        entry = wait_for(driver, "the pool's customer", lambda d: next((li for li in d.find_elements(By.CSS_SELECTOR, "#pool [data-testid=pool-entry]")
                                                                         if os.environ["POOL_CUSTOMER"] in li.text), None))
        assert "137****7055" in entry.text, f"an agent sees the pool's numbers masked: {entry.text}"
        driver.save_screenshot(str(SHOTS / "console-pool.png"))
        entry.find_element(By.CSS_SELECTOR, "[data-testid=claim]").click()
        wait_for(driver, "the claim confirmed", lambda d: "已认领" in text(d, "#pool-status") and os.environ["POOL_CUSTOMER"] not in text(d, "#pool"))
        search.clear()
        search.send_keys(os.environ["POOL_CUSTOMER"])
        wait_for(driver, "the claimed customer found", lambda d: os.environ["POOL_CUSTOMER"] in text(d, "#found"))
        driver.save_screenshot(str(SHOTS / "console-pool-claimed.png"))
    finally:
        driver.quit()


def wallboard():
    driver = browser(1920, 1080)
    try:
        sign_in(driver, os.environ["SUPERVISOR"], os.environ["PASSWORD"])
        wait_for(driver, "the wallboard", lambda d: d.current_url.endswith("/wallboard"))
        wait_for(driver, "the hotline tile", lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=queue-hotline]"))
        wait_for(driver, "no service level before the first call", lambda d: text(d, "[data-testid=service-level] b") == "—")
        driver.save_screenshot(str(SHOTS / "wallboard-start.png"))
        step("wallboard-ready")
        wait_for(driver, "the paused agent with her reason", lambda d: "暂停 · 午餐" in text(d, "#agents"))
        wait_for(driver, "a caller waiting, flagged", lambda d: text(d, "[data-testid=waiting] b") == "1"
                 and "alert" in d.find_element(By.CSS_SELECTOR, "[data-testid=waiting]").get_attribute("class")
                 and d.find_elements(By.CSS_SELECTOR, "[data-testid=caller]"))
        # The name comes from the CRM in a child task: the board may show the number a moment first.
        wait_for(driver, "the waiting caller named from the CRM", lambda d: os.environ["CUSTOMER"] in text(d, "[data-testid=caller]"))
        driver.save_screenshot(str(SHOTS / "wallboard-waiting.png"))
        step("wallboard-seen-waiting")
        wait_for(driver, "the answer", lambda d: text(d, "[data-testid=waiting] b") == "0", timeout=30)
        wait_for(driver, "the service level changed", lambda d: text(d, "[data-testid=answered] b") == "1"
                 and text(d, "[data-testid=service-level] b") == "100%", timeout=30)
        assert "阈值内接通 ÷ (接通 + 超过阈值后放弃)" in text(driver, ".formula"), "the wallboard shows the formula"
        assert text(driver, "[data-testid=aht] b") != "—", "the average handle time shows once a call is answered"
        wait_for(driver, "the agent's call counted", lambda d: "通话中" in text(d, "#agents") or "空闲" in text(d, "#agents"))
        driver.save_screenshot(str(SHOTS / "wallboard-answered.png"))
        # Coaching: the supervisor plays the answered call's recording from today's calls.
        wait_step("recording-written")
        wait_for(driver, "the recorded call in today's calls", lambda d: d.find_elements(By.CSS_SELECTOR, "#calls [data-testid=play]"), timeout=30)
        click(driver, "#calls [data-testid=play]")
        wait_for(driver, "the recording loaded", lambda d: d.execute_script(
            "const a = document.querySelector('#calls audio'); return a && a.readyState >= 1 && a.duration > 1.5"))
        assert not driver.find_elements(By.CSS_SELECTOR, "[data-testid=player-error]"), "the recording should play"
        driver.save_screenshot(str(SHOTS / "wallboard-recording.png"))
        driver.set_window_size(1280, 800)
        driver.save_screenshot(str(SHOTS / "wallboard-laptop.png"))
        # The reports: today's work per agent as bars and a table, and eight weeks of trend.
        driver.set_window_size(1920, 1080)
        click(driver, "[data-testid=to-reports]")
        wait_for(driver, "the agent's bar", lambda d: os.environ["AGENT"] in text(d, "#bars") and d.find_elements(By.CSS_SELECTOR, "#bars [data-testid=bar]"))
        wait_for(driver, "eight weeks of trend", lambda d: len(d.find_elements(By.CSS_SELECTOR, "#trend [data-testid=bar]")) == 8)
        assert "合计" in text(driver, "#table"), "the table ends with the total"
        assert "format=csv" in driver.find_element(By.ID, "csv").get_attribute("href")
        # The call log of the day, each recording playable: the one answered above plays here too.
        wait_for(driver, "today's call in the log", lambda d: d.find_elements(By.CSS_SELECTOR, "#calls [data-testid=play]"))
        click(driver, "#calls [data-testid=play]")
        wait_for(driver, "the recording loaded from the log", lambda d: d.execute_script(
            "const a = document.querySelector('#calls audio'); return a && a.readyState >= 1"))
        driver.save_screenshot(str(SHOTS / "reports.png"))
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        wallboard()
        agent_console()
        other_agent()
    except Exception as error:
        import traceback
        print("FAILED:", error, "".join(traceback.format_tb(error.__traceback__)[-2:]), flush=True)
        sys.exit(1)
    print("PAGES OK", flush=True)
